"""NTM commune profiles: the region (318/2022) or group (51/2025) that selects a commune's
thresholds."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.decisions.models import Decision
from tamnong.divisions.models import Division, Level

from .. import criteria
from ..models import (
    CommuneProfile,
    CriteriaSet,
)
from ._base import NtmInputError, _valid_in_year


def column_codes(classification: str, year: int) -> dict[str, str]:
    """Valid region/group codes for a year, from the sets in force (code → name)."""
    out: dict[str, str] = {}
    for cs in criteria.latest_sets().filter(
        classification=classification, year_from__lte=year, year_to__gte=year
    ):
        out.update({c["code"]: c["name"] for c in cs.columns if c["code"] != "chung"})
    return out


@transaction.atomic
def set_profile(
    actor,
    division: Division,
    year: int,
    *,
    classification: str,
    column: str,
    special: bool = False,
    decision: Decision | None = None,
    decision_ref: str = "",
    note: str = "",
) -> CommuneProfile:
    """Record the region (vùng) or group (nhóm) of a commune for a year, with its basis."""
    Scope.of(actor).require_edit(division)
    errors = []
    if division.level != Level.COMMUNE:
        errors.append({"field": "division", "message": _("Chỉ phân loại vùng/nhóm cho cấp xã.")})
    if not _valid_in_year(division, year):
        errors.append(
            {"field": "year", "message": _("Đơn vị không tồn tại trong năm %(y)s.") % {"y": year}}
        )
    valid = column_codes(classification, year)
    if classification not in ("region", "group"):
        errors.append(
            {
                "field": "classification",
                "message": _("Phân loại phải là vùng (region) hoặc nhóm (group)."),
            }
        )
    elif column not in valid:
        errors.append(
            {
                "field": "column",
                "message": _("Vùng/nhóm «%(c)s» không có trong bộ tiêu chí năm %(y)s; chọn: %(v)s.")
                % {"c": column, "y": year, "v": ", ".join(valid) or "–"},
            }
        )
    if decision is not None and not Scope.of(actor).covers(decision.division):
        errors.append(
            {"field": "decision", "message": _("Quyết định không thuộc phạm vi của bạn.")}
        )
    if errors:
        raise NtmInputError(errors)
    profile, _created = CommuneProfile.objects.update_or_create(
        division=division,
        year=year,
        classification=classification,
        defaults={
            "column": column,
            "special": special,
            "decision": decision,
            "decision_ref": decision_ref[:200],
            "note": note[:500],
        },
    )
    return profile


def column_for(cs: CriteriaSet, division: Division, year: int) -> str:
    """The threshold column that applies to a commune in a year under a set."""
    if cs.classification == "none":
        return cs.column_codes[0]
    profile = CommuneProfile.objects.filter(
        division=division, year=year, classification=cs.classification
    ).first()
    label = _("vùng") if cs.classification == "region" else _("nhóm xã")
    if profile is None:
        raise NtmInputError(
            _("Chưa có %(l)s của %(d)s năm %(y)s: hãy ghi hồ sơ phân loại trước.")
            % {"l": label, "d": division.name, "y": year},
            "profile",
        )
    if profile.special and cs.special_column:
        return cs.special_column
    if profile.column not in cs.column_codes:
        raise NtmInputError(
            _("Bộ tiêu chí không có cột cho %(l)s «%(c)s».") % {"l": label, "c": profile.column},
            "profile",
        )
    return profile.column
