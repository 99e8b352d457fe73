"""NTM recognition workflow (hồ sơ công nhận): dossier, consultation, appraisal, decision, re-
examination, revocation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.audit.services import record_transition
from tamnong.decisions.models import Decision
from tamnong.decisions.services import DecisionError, record_decision
from tamnong.divisions.models import Division, Lineage

from ..levels import levels
from ..models import (
    Assessment,
    Dossier,
    Recognition,
    RecognitionKind,
    Reexamination,
)
from ._base import (
    DOSSIER_KINDS,
    NtmInputError,
    _require_decision_role,
    _require_province_role,
    _valid_in_year,
    may_record_decision,
    may_take_province_step,
    status_of,
)
from .judging import recompute


def refresh_status(division: Division) -> None:
    """Recompute the status shown on the assessments of a unit and of the units after it (a
    merged commune keeps its predecessors' levels, see standing.py)."""
    ids, frontier = {division.pk}, {division.pk}
    for _step in range(6):
        frontier = set(
            Lineage.objects.filter(predecessor_id__in=frontier)
            .exclude(successor_id__in=ids)
            .values_list("successor_id", flat=True)
        )
        if not frontier:
            break
        ids |= frontier
    for assessment in Assessment.objects.filter(division_id__in=ids).select_related("division"):
        status = status_of(assessment.division, assessment.year)
        if assessment.status != status:
            assessment.status = status
            assessment.save(update_fields=["status"])


SET_KIND_FOR = {k: k for k in DOSSIER_KINDS}  # a dossier kind is judged by the set of that kind


@transaction.atomic
def open_dossier(actor, assessment: Assessment, kind: str, on: dt.date | None = None) -> Dossier:
    """Step 1: the commune's self-assessment, based on an assessment that meets the set."""
    Scope.of(actor).require_edit(assessment.division)
    if kind not in DOSSIER_KINDS:
        raise NtmInputError(_("Loại công nhận không hợp lệ."), "kind")
    if assessment.criteria_set.kind != SET_KIND_FOR[kind]:
        raise NtmInputError(
            _("Đánh giá này không theo bộ tiêu chí của loại công nhận đã chọn."), "kind"
        )
    recompute(assessment)
    _require_meets(assessment)
    if (
        Dossier.objects.filter(division=assessment.division, year=assessment.year, kind=kind)
        .exclude(state=Dossier.State.REJECTED)
        .exists()
    ):
        raise NtmInputError(_("Đã có hồ sơ xét công nhận cho đơn vị, năm và loại này."), "kind")
    dossier = Dossier.objects.create(
        division=assessment.division,
        kind=kind,
        year=assessment.year,
        assessment=assessment,
        self_assessed_on=on or timezone.localdate(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_transition(dossier, "", Dossier.State.SELF_ASSESSMENT)
    return dossier


def _require_meets(assessment: Assessment) -> None:
    if not assessment.meets:
        names = dict(assessment.criteria_set.criteria.values_list("number", "name"))
        missing = ", ".join(f"{n}. {names.get(n, '')}" for n in assessment.missing)
        raise NtmInputError(
            _("%(d)s chưa đạt đủ bộ tiêu chí (%(m)s/%(t)s tiêu chí); còn thiếu: %(x)s.")
            % {
                "d": assessment.division.name,
                "m": assessment.criteria_met,
                "t": assessment.criteria_total,
                "x": missing,
            },
            "assessment",
        )


@dataclass(frozen=True)
class DossierPermissions:
    """What the acting user may do on an NTM dossier (the page shows a form only when its flag is
    set; the step functions below enforce the same rules)."""

    step: bool  # the form of the dossier's next step
    revoke: bool  # the revocation of its active recognition


def dossier_permissions(actor, dossier: Dossier) -> DossierPermissions:
    if dossier.state == Dossier.State.SELF_ASSESSMENT:
        step = Scope.of(actor).can_edit(dossier.division)  # record_consultation
    elif dossier.state == Dossier.State.CONSULTATION:
        step = may_take_province_step(actor, dossier.division)  # record_appraisal
    elif dossier.state == Dossier.State.APPRAISAL:
        step = may_record_decision(actor, dossier.division, dossier.kind, dossier.year)  # decide
    else:
        step = False
    recognition = dossier.recognition
    revoke = (
        recognition is not None
        and recognition.state == Recognition.State.ACTIVE
        and may_take_province_step(actor, recognition.division)
    )
    return DossierPermissions(step=step, revoke=revoke)


def _step(dossier: Dossier, expected: str) -> None:
    if dossier.state != expected:
        raise NtmInputError(
            _("Hồ sơ đang ở bước «%(s)s», không thực hiện được bước này.")
            % {"s": dossier.get_state_display()},
            "state",
        )


@transaction.atomic
def record_consultation(actor, dossier: Dossier, on: dt.date, satisfaction_pct) -> Dossier:
    """Step 2: public consultation, with the residents' satisfaction rate."""
    Scope.of(actor).require_edit(dossier.division)
    _step(dossier, Dossier.State.SELF_ASSESSMENT)
    try:
        pct = Decimal(str(satisfaction_pct))
        if not 0 <= pct <= 100:
            raise InvalidOperation
    except InvalidOperation:
        raise NtmInputError(_("Tỷ lệ hài lòng phải từ 0 đến 100."), "satisfaction_pct") from None
    if on < dossier.self_assessed_on:
        raise NtmInputError(_("Ngày lấy ý kiến không được trước ngày tự đánh giá."), "on")
    minimum = dossier.assessment.criteria_set.satisfaction_min if dossier.assessment else None
    dossier.consultation_on, dossier.satisfaction_pct = on, pct
    dossier.satisfaction_ok = None if minimum is None else pct >= minimum
    dossier.state = Dossier.State.CONSULTATION
    dossier.save()
    record_transition(
        dossier, Dossier.State.SELF_ASSESSMENT, Dossier.State.CONSULTATION, note=f"{pct}%"
    )
    return dossier


@transaction.atomic
def record_appraisal(actor, dossier: Dossier, on: dt.date, passed: bool, note: str = "") -> Dossier:
    """Step 3: provincial appraisal (thẩm định)."""
    _require_province_role(actor, dossier.division)
    _step(dossier, Dossier.State.CONSULTATION)
    if on < (dossier.consultation_on or on):
        raise NtmInputError(_("Ngày thẩm định không được trước ngày lấy ý kiến."), "on")
    if passed and dossier.satisfaction_ok is False:
        raise NtmInputError(
            _("Tỷ lệ hài lòng chưa đạt mức tối thiểu: không thể thẩm định đạt."), "passed"
        )
    dossier.appraisal_on, dossier.appraisal_passed, dossier.appraisal_note = on, passed, note[:500]
    new_state = Dossier.State.APPRAISAL if passed else Dossier.State.REJECTED
    dossier.state = new_state
    dossier.save()
    record_transition(dossier, Dossier.State.CONSULTATION, new_state, note=note)
    return dossier


def _new_decision(actor, division, **fields) -> Decision:
    """`record_decision` (tamnong.decisions.services: one rule for every programme), with its
    field problems as an `NtmInputError`."""
    try:
        return record_decision(actor, division=division, **fields)
    except DecisionError as exc:
        raise NtmInputError(exc.errors) from None


@transaction.atomic
def decide(
    actor, dossier: Dossier, *, number: str, signed_on: dt.date, issuer: str, signer: str = ""
) -> Recognition:
    """Step 4: the recognition decision. Refused when the assessment does not meet the set. The
    Prime Minister's decisions (huyện, thị xã, tỉnh) may be recorded by the central level."""
    _require_decision_role(actor, dossier.division, dossier.kind, dossier.year)
    _step(dossier, Dossier.State.APPRAISAL)
    assessment = None
    if dossier.assessment is not None:  # a district's or province's dossier has none
        assessment = recompute(dossier.assessment)
        _require_meets(assessment)
    decision = _new_decision(
        actor,
        dossier.division,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        signer=signer,
        subject=_("Công nhận %(k)s: %(d)s năm %(y)s")
        % {"k": dossier.get_kind_display(), "d": dossier.division.name, "y": dossier.year},
        kind="ntm_recognition",
    )
    recognition = Recognition.objects.create(
        division=dossier.division,
        kind=dossier.kind,
        year=dossier.year,
        decision=decision,
        assessment=assessment,
    )
    dossier.state, dossier.decided_on, dossier.recognition = (
        Dossier.State.DECIDED,
        signed_on,
        recognition,
    )
    dossier.save()
    record_transition(dossier, Dossier.State.APPRAISAL, Dossier.State.DECIDED, note=str(decision))
    refresh_status(dossier.division)
    return recognition


def check_unit_kind(division: Division, kind: str, year: int) -> list[dict]:
    """Problems with recognising `division` as `kind` in `year`, by the levels data (which unit
    level and kinds a level applies to in that period)."""
    if kind not in RecognitionKind.values:
        return [{"field": "kind", "message": _("Loại công nhận «%(k)s» không có.") % {"k": kind}}]
    scale = levels().scale_of(kind, year)
    label = RecognitionKind(kind).label
    if scale is None:
        return [
            {
                "field": "kind",
                "message": _("Năm %(y)s không có mức công nhận «%(k)s».") % {"y": year, "k": label},
            }
        ]
    errors = []
    if division.level != scale.level:
        errors.append({"field": "division", "message": _("Loại công nhận không đúng cấp đơn vị.")})
    elif division.kind not in scale.kinds:
        errors.append(
            {
                "field": "division",
                "message": _("«%(k)s» không áp dụng cho %(d)s.") % {"k": label, "d": division.name},
            }
        )
    if not _valid_in_year(division, year):
        errors.append(
            {"field": "year", "message": _("Đơn vị không tồn tại trong năm %(y)s.") % {"y": year}}
        )
    return errors


def _decision_problems(number, signed_on, issuer, year) -> list[dict]:
    errors = []
    if not (number or "").strip():
        errors.append({"field": "number", "message": _("Thiếu số quyết định.")})
    if not (issuer or "").strip():
        errors.append({"field": "issuer", "message": _("Thiếu cơ quan ban hành.")})
    if signed_on is None:
        errors.append({"field": "signed_on", "message": _("Thiếu ngày ký.")})
    return errors


def _year_problems(signed_on, year) -> list[dict]:
    errors = []
    if (
        isinstance(signed_on, dt.date)
        and year is not None
        and signed_on.year not in (year, year + 1)
    ):
        errors.append(
            {
                "field": "signed_on",
                "message": _("Quyết định ký ngày %(d)s không thể là công nhận năm %(y)s.")
                % {"d": signed_on.strftime("%d/%m/%Y"), "y": year},
            }
        )
    return errors


@transaction.atomic
def record_historical(
    actor,
    division: Division,
    kind: str,
    year: int,
    *,
    number: str,
    signed_on: dt.date,
    issuer: str,
    signer: str = "",
    note: str = "",
) -> Recognition:
    """A recognition from the records: the decision (number, date, issuer) of a unit recognised
    outside the dossier workflow (huyện NTM, thị xã hoàn thành nhiệm vụ, tỉnh, or a commune or
    village recognised before the province used Tam Nông). Audited; refused when the unit holds
    the same recognition already."""
    return _record(
        actor, division, kind, year, number, signed_on, issuer, signer, note, repeat_ok=False
    )[0]


def parse_kind(text) -> str | None:
    """A recognition kind from its code or its Vietnamese name, with or without diacritics, "NTM"
    for "nông thôn mới" ("Xã đạt chuẩn NTM nâng cao" → commune_advanced)."""
    raw = " ".join(str(text or "").split())
    if raw in RecognitionKind.values:
        return raw
    key = _plain(raw)
    names = {_plain(label): value for value, label in RecognitionKind.choices}
    return names.get(key) or names.get(key.replace("dat chuan ", "", 1))


def _plain(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFD", str(text).lower().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = " ".join(text.replace("/", " / ").split())
    return text.replace("ntm", "nong thon moi").replace("dat chuan ", "")


@transaction.atomic
def record_recognition_row(actor, row: dict) -> tuple[Recognition, bool]:
    """One row of a bulk import of recognitions (the tabular import layer calls this): a unit
    (`division`, already matched by the layer), `kind` (code or name), `year` (default: the
    year of signing), the decision `number`, `signed_on`, `issuer`, optional `signer` and
    `note`. Every problem of the row is raised at once (NtmInputError) and nothing is written.
    The same row imported again returns the recognition already recorded (created False)."""
    errors = []
    division = row.get("division")
    if not isinstance(division, Division):
        errors.append({"field": "division", "message": _("Không xác định được đơn vị.")})
    kind = parse_kind(row.get("kind"))
    if kind is None:
        errors.append(
            {
                "field": "kind",
                "message": _("Không hiểu loại công nhận «%(k)s».") % {"k": row.get("kind") or ""},
            }
        )
    signed_on, year = row.get("signed_on"), row.get("year")
    if year in (None, "") and isinstance(signed_on, dt.date):
        year = signed_on.year
    try:
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        errors.append({"field": "year", "message": _("Năm công nhận phải là số.")})
        year = None
    if year is None and not any(e["field"] == "year" for e in errors):
        errors.append({"field": "year", "message": _("Thiếu năm công nhận.")})
    if errors:
        errors += _decision_problems(row.get("number"), signed_on, row.get("issuer"), year)
        errors += _year_problems(signed_on, year)
        raise NtmInputError(errors)
    return _record(
        actor,
        division,
        kind,
        year,
        row.get("number"),
        signed_on,
        row.get("issuer"),
        row.get("signer") or "",
        row.get("note") or "",
        repeat_ok=True,
    )


def _record(
    actor, division, kind, year, number, signed_on, issuer, signer, note, *, repeat_ok: bool
) -> tuple[Recognition, bool]:
    if kind in RecognitionKind.values and isinstance(year, int):
        _require_decision_role(actor, division, kind, year)
    else:
        _require_province_role(actor, division)
    errors = check_unit_kind(division, kind, year) + _year_problems(signed_on, year)
    decision_errors = _decision_problems(number, signed_on, issuer, year)
    errors += decision_errors
    if not decision_errors:
        number, issuer = number.strip(), issuer.strip()
        same = Recognition.objects.filter(
            division=division,
            kind=kind,
            decision__number=number,
            decision__issuer=issuer,
            decision__signed_on=signed_on,
        ).first()
        if same is not None:
            if repeat_ok and not errors:
                return same, False
            errors.append({"field": "number", "message": _("Công nhận này đã được ghi.")})
    held = (
        Recognition.objects.filter(division=division, kind=kind, state=Recognition.State.ACTIVE)
        .select_related("decision")
        .first()
    )
    if held is not None and not any(e["field"] == "number" for e in errors):
        errors.append(
            {
                "field": "kind",
                "message": _("%(d)s đã được công nhận «%(k)s» năm %(y)s (%(q)s).")
                % {
                    "d": division.name,
                    "k": RecognitionKind(kind).label,
                    "y": held.year,
                    "q": held.decision,
                },
            }
        )
    if errors:
        raise NtmInputError(errors)
    # one decision may recognise several units (tamnong.decisions.services.record_decision)
    decision = _new_decision(
        actor,
        division,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        signer=signer,
        subject=f"{RecognitionKind(kind).label}: {division.name}",
        kind="ntm_recognition",
    )
    rec = Recognition.objects.create(
        division=division, kind=kind, year=year, decision=decision, historical=True, note=note[:500]
    )
    record_transition(rec, "", Recognition.State.ACTIVE, note=str(decision))
    refresh_status(division)
    return rec, True


UNIT_DOSSIER_SCALES = ("district", "town", "province")


@transaction.atomic
def open_unit_dossier(
    actor, division: Division, kind: str, year: int, on: dt.date | None = None
) -> Dossier:
    """Step 1 for a district, town or province (huyện NTM, thị xã hoàn thành nhiệm vụ, tỉnh): no
    criteria set of those levels is loaded, so the dossier rests on the unit's report, then goes
    through consultation, appraisal and decision like a commune's."""
    Scope.of(actor).require_edit(division)
    scale = levels().scale_of(kind, year) if kind in RecognitionKind.values else None
    if scale is not None and scale.name not in UNIT_DOSSIER_SCALES:
        raise NtmInputError(_("Xã và thôn mở hồ sơ từ kết quả đánh giá theo bộ tiêu chí."), "kind")
    errors = check_unit_kind(division, kind, year)
    if errors:
        raise NtmInputError(errors)
    if (
        Dossier.objects.filter(division=division, year=year, kind=kind)
        .exclude(state=Dossier.State.REJECTED)
        .exists()
    ):
        raise NtmInputError(_("Đã có hồ sơ xét công nhận cho đơn vị, năm và loại này."), "kind")
    dossier = Dossier.objects.create(
        division=division,
        kind=kind,
        year=year,
        assessment=None,
        self_assessed_on=on or timezone.localdate(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_transition(dossier, "", Dossier.State.SELF_ASSESSMENT)
    return dossier


@transaction.atomic
def reexamine(
    actor, recognition: Recognition, year: int, on: dt.date | None = None
) -> Reexamination:
    """Yearly re-examination: does the unit still meet the set it was recognised by?"""
    _require_province_role(actor, recognition.division)
    if recognition.state != Recognition.State.ACTIVE:
        raise NtmInputError(_("Công nhận đã bị thu hồi."), "recognition")
    assessment = (
        Assessment.objects.filter(
            division=recognition.division, year=year, criteria_set__kind=recognition.kind
        )
        .select_related("criteria_set")
        .first()
    )
    if assessment is None:
        raise NtmInputError(_("Chưa có đánh giá năm %(y)s để rà soát.") % {"y": year}, "year")
    recompute(assessment)
    result = Reexamination.objects.create(
        recognition=recognition,
        year=year,
        assessment=assessment,
        still_meets=assessment.meets,
        criteria_missing=assessment.missing,
        examined_on=on or timezone.localdate(),
        note="" if assessment.meets else _("Không còn đạt chuẩn: xem xét thu hồi."),
    )
    record_transition(
        recognition, "active", "still_meets" if assessment.meets else "no_longer_meets"
    )
    return result


@transaction.atomic
def revoke(
    actor,
    recognition: Recognition,
    *,
    number: str,
    signed_on: dt.date,
    issuer: str,
    reason: str,
    signer: str = "",
) -> Recognition:
    """Revocation (thu hồi) by decision when the unit no longer meets the standard."""
    _require_province_role(actor, recognition.division)
    if recognition.state != Recognition.State.ACTIVE:
        raise NtmInputError(_("Công nhận đã bị thu hồi."), "recognition")
    if not (reason or "").strip():
        raise NtmInputError(_("Phải nêu lý do thu hồi."), "reason")
    decision = _new_decision(
        actor,
        recognition.division,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        signer=signer,
        subject=_("Thu hồi %(r)s") % {"r": recognition},
        kind="ntm_revocation",
    )
    recognition.state = Recognition.State.REVOKED
    recognition.revocation, recognition.revoked_year = decision, signed_on.year
    recognition.revoke_reason = reason[:500]
    recognition.save()
    record_transition(recognition, Recognition.State.ACTIVE, Recognition.State.REVOKED, note=reason)
    refresh_status(recognition.division)
    return recognition
