"""NTM recognition workflow (hồ sơ công nhận): dossier, consultation, appraisal, decision, re-
examination, revocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.audit.services import record_transition
from tamnong.decisions.models import Decision
from tamnong.decisions.services import DecisionError, record_decision
from tamnong.divisions.models import Division

from ..models import (
    Assessment,
    Dossier,
    Recognition,
    RecognitionKind,
    Reexamination,
)
from ._base import (
    DOSSIER_KINDS,
    HISTORICAL_LEVEL,
    NtmInputError,
    _require_province_role,
    _valid_in_year,
    status_of,
)
from .judging import recompute


def refresh_status(division: Division) -> None:
    for assessment in Assessment.objects.filter(division=division):
        status = status_of(division, assessment.year)
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
    minimum = dossier.assessment.criteria_set.satisfaction_min
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
    """Step 4: the recognition decision. Refused when the assessment does not meet the set."""
    _require_province_role(actor, dossier.division)
    _step(dossier, Dossier.State.APPRAISAL)
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
) -> Recognition:
    """A district or province recognition from the records (huyện NTM, tỉnh hoàn thành nhiệm vụ…)."""
    _require_province_role(actor, division)
    level = HISTORICAL_LEVEL.get(kind)
    if level is None:
        raise NtmInputError(_("Xã và thôn được công nhận qua hồ sơ xét công nhận."), "kind")
    if division.level != level:
        raise NtmInputError(_("Loại công nhận không đúng cấp đơn vị."), "division")
    if not _valid_in_year(division, year):
        raise NtmInputError(_("Đơn vị không tồn tại trong năm %(y)s.") % {"y": year}, "year")
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
        division=division, kind=kind, year=year, decision=decision, historical=True
    )
    record_transition(rec, "", Recognition.State.ACTIVE, note=str(decision))
    return rec


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
