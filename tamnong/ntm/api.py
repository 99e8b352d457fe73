"""NTM JSON API (/api/v1/ntm/): criteria sets, profiles, assessments, recognition, figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError

from tamnong.access.lookups import get_visible_or_404, resolve_division, visible_unit_or_404
from tamnong.core.pagination import Mapped, Router
from tamnong.divisions.models import Division
from tamnong.divisions.services import UnknownMap, find_unit

from . import criteria, services
from .figures import figures
from .models import Assessment, Dossier, Recognition

router = Router(tags=["ntm"])


def _invalid(exc: services.NtmInputError):
    return NinjaValidationError(
        [
            {"loc": ["body", e.get("field", "")], "msg": e["message"], "type": "value_error"}
            for e in exc.errors
        ]
    )


def _division(request, pk: int) -> Division:
    """A unit by id through the access gate: 404 if unknown, 403 outside the scope."""
    return visible_unit_or_404(request.user, pk)


class SetOut(Schema):
    id: int
    key: str
    version: int
    title: str
    decision: str
    kind: str
    level: str
    year_from: int
    year_to: int
    classification: str
    columns: list[dict]
    bands: list[dict]
    synthetic: bool
    status_note: str
    province: str | None
    indicators: int
    thresholds_missing: int

    @staticmethod
    def resolve_province(obj):
        return obj.province.code if obj.province else None

    @staticmethod
    def resolve_indicators(obj):
        return sum(len(c["indicators"]) for c in obj.payload.get("criteria", []))

    @staticmethod
    def resolve_thresholds_missing(obj):
        return sum(
            1
            for c in obj.payload.get("criteria", [])
            for i in c["indicators"]
            for v in i["thresholds"].values()
            if v is None
        )


class SetDetailOut(SetOut):
    criteria: list[dict]

    @staticmethod
    def resolve_criteria(obj):
        return obj.payload.get("criteria", [])


@router.get("/sets", response=list[SetOut], summary="Các bộ tiêu chí (phiên bản mới nhất)")
def list_sets(request):
    return list(criteria.latest_sets().order_by("year_from", "kind", "key"))


@router.get("/sets/{key}", response=SetDetailOut, summary="Một bộ tiêu chí với chỉ tiêu và ngưỡng")
def get_set(request, key: str, version: int | None = None):
    qs = criteria.CriteriaSet.objects.filter(key=key)
    cs = qs.filter(version=version).first() if version else qs.order_by("-version").first()
    if cs is None:
        raise Http404
    return cs


class UnitYearIn(Schema):
    """What one unit records for one year (its region/group, its targets)."""

    division_id: int
    year: int


class UnitYearOut(Schema):
    id: int
    division_id: int
    year: int


def _for_unit_year(request, service, payload: UnitYearIn):
    """The write of one unit's year: the unit through the access gate, then the service with
    the payload's other fields (its input errors answered 422)."""
    division = _division(request, payload.division_id)
    rest = payload.dict(exclude={"division_id", "year"})
    return _call(service, request.user, division, payload.year, **rest)


class ProfileIn(UnitYearIn):
    classification: str
    column: str
    special: bool = False
    decision_ref: str = ""
    note: str = ""


class ProfileOut(UnitYearOut):
    classification: str
    column: str
    special: bool
    decision_ref: str


@router.post("/profiles", response={200: ProfileOut}, summary="Ghi vùng/nhóm của xã trong một năm")
def set_profile(request, payload: ProfileIn):
    return _for_unit_year(request, services.set_profile, payload)


class ValueOut(Schema):
    code: str
    criterion: int
    name: str
    unit: str
    kind: str
    operator: str
    value: Decimal | None
    value_bool: bool | None
    derived: bool
    source: str
    derived_value: Decimal | None
    derived_state: str
    derived_note: str
    override_reason: str
    threshold: str | None
    met: bool | None
    met_note: str


class AssessmentOut(Schema):
    id: int
    division_id: int
    division_code: str
    division_name: str
    current_commune_id: int | None
    year: int
    set_key: str
    set_version: int
    column: str
    reference_date: dt.date
    criteria_met: int
    criteria_total: int
    band: str
    missing: list[int]
    meets: bool
    status: str


class AssessmentDetailOut(AssessmentOut):
    values: list[ValueOut]


def _assessment_out(a: Assessment, with_values: bool = False) -> dict:
    out = {
        "id": a.pk,
        "division_id": a.division_id,
        "division_code": a.division.code,
        "division_name": a.division.name,
        "current_commune_id": a.commune_id,
        "year": a.year,
        "set_key": a.set_key,
        "set_version": a.criteria_set.version,
        "column": a.column,
        "reference_date": a.reference_date,
        "criteria_met": a.criteria_met,
        "criteria_total": a.criteria_total,
        "band": a.band,
        "missing": a.missing,
        "meets": a.meets,
        "status": a.status,
    }
    if with_values:
        out["values"] = [
            {
                "code": iv.indicator.code,
                "criterion": iv.indicator.criterion.number,
                "name": iv.indicator.name,
                "unit": iv.indicator.unit,
                "kind": iv.indicator.kind,
                "operator": iv.indicator.operator,
                "value": iv.value,
                "value_bool": iv.value_bool,
                "derived": iv.is_derived,
                "source": iv.indicator.source,
                "derived_value": iv.derived_value,
                "derived_state": iv.derived_state,
                "derived_note": iv.derived_note,
                "override_reason": iv.override_reason,
                "threshold": iv.threshold or None,
                "met": iv.met,
                "met_note": iv.met_note,
            }
            for iv in a.values.select_related("indicator__criterion")
        ]
    return out


def _assessment(request, pk: int) -> Assessment:
    return get_visible_or_404(
        request, Assessment.objects.select_related("division", "criteria_set"), pk
    )


class AssessmentIn(Schema):
    division_id: int
    year: int
    set_key: str
    reference_date: dt.date | None = None


@router.post("/assessments", response={201: AssessmentDetailOut}, summary="Mở đánh giá năm của xã")
def create_assessment(request, payload: AssessmentIn):
    division = _division(request, payload.division_id)
    try:
        a = services.start_assessment(
            request.user, division, payload.year, payload.set_key, payload.reference_date
        )
    except services.NtmInputError as exc:
        raise _invalid(exc) from None
    return 201, _assessment_out(a, True)


@router.get("/assessments", response=list[AssessmentOut], summary="Các đánh giá trong phạm vi")
def list_assessments(request, year: int | None = None, division_id: int | None = None):
    qs = Assessment.objects.visible_to(request.user).select_related("division", "criteria_set")
    if year:
        qs = qs.filter(year=year)
    if division_id:
        qs = qs.filter(division=_division(request, division_id))
    return Mapped(qs.order_by("-year", "division__code", "id"), _assessment_out)


@router.get(
    "/assessments/{pk}", response=AssessmentDetailOut, summary="Một đánh giá và các chỉ tiêu"
)
def get_assessment(request, pk: int):
    return _assessment_out(_assessment(request, pk), True)


class ValueIn(Schema):
    code: str
    value: bool | float | str | None = None
    unit: str | None = None


class ValuesIn(Schema):
    values: list[ValueIn]


@router.put(
    "/assessments/{pk}/values", response=AssessmentDetailOut, summary="Nhập giá trị chỉ tiêu"
)
def put_values(request, pk: int, payload: ValuesIn):
    a = _assessment(request, pk)
    items = [
        {
            "code": v.code,
            "value": str(v.value) if isinstance(v.value, float) else v.value,
            "unit": v.unit,
        }
        for v in payload.values
    ]
    try:
        a = services.enter_values(request.user, a, items)
    except services.NtmInputError as exc:
        raise _invalid(exc) from None
    return _assessment_out(a, True)


class OverrideIn(Schema):
    value: bool | float | str
    reason: str
    unit: str | None = None


@router.post(
    "/assessments/{pk}/values/{code}/override",
    response=AssessmentDetailOut,
    summary="Nhập thay số liệu tự động (phải nêu lý do)",
)
def override(request, pk: int, code: str, payload: OverrideIn):
    a = _assessment(request, pk)
    value = str(payload.value) if isinstance(payload.value, float) else payload.value
    try:
        services.override_value(request.user, a, code, value, payload.reason, payload.unit)
    except services.NtmInputError as exc:
        raise _invalid(exc) from None
    a.refresh_from_db()
    return _assessment_out(a, True)


class NtmDossierIn(Schema):
    assessment_id: int
    kind: str
    on: dt.date | None = None


class NtmDossierOut(Schema):
    id: int
    division_id: int
    kind: str
    year: int
    state: str
    self_assessed_on: dt.date
    consultation_on: dt.date | None
    satisfaction_pct: Decimal | None
    satisfaction_ok: bool | None
    appraisal_on: dt.date | None
    appraisal_passed: bool | None
    decided_on: dt.date | None
    recognition_id: int | None


def _dossier(request, pk: int) -> Dossier:
    return get_visible_or_404(request, Dossier.objects.select_related("division", "assessment"), pk)


def _call(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except services.NtmInputError as exc:
        raise _invalid(exc) from None


@router.post(
    "/dossiers", response={201: NtmDossierOut}, summary="Xã tự đánh giá: mở hồ sơ xét công nhận"
)
def open_dossier(request, payload: NtmDossierIn):
    a = _assessment(request, payload.assessment_id)
    return 201, _call(services.open_dossier, request.user, a, payload.kind, payload.on)


class ConsultationIn(Schema):
    on: dt.date
    satisfaction_pct: Decimal


@router.post("/dossiers/{pk}/consultation", response=NtmDossierOut, summary="Lấy ý kiến người dân")
def consultation(request, pk: int, payload: ConsultationIn):
    return _call(
        services.record_consultation,
        request.user,
        _dossier(request, pk),
        payload.on,
        payload.satisfaction_pct,
    )


class AppraisalIn(Schema):
    on: dt.date
    passed: bool
    note: str = ""


@router.post("/dossiers/{pk}/appraisal", response=NtmDossierOut, summary="Thẩm định cấp tỉnh")
def appraisal(request, pk: int, payload: AppraisalIn):
    return _call(
        services.record_appraisal,
        request.user,
        _dossier(request, pk),
        payload.on,
        payload.passed,
        payload.note,
    )


class NtmDecisionIn(Schema):
    number: str
    signed_on: dt.date
    issuer: str
    signer: str = ""


class RecognitionOut(Schema):
    id: int
    division_id: int
    kind: str
    year: int
    state: str
    decision_number: str = Field(alias="decision.number")
    decision_signed_on: dt.date = Field(alias="decision.signed_on")
    revoked_year: int | None


@router.post("/dossiers/{pk}/decision", response=RecognitionOut, summary="Quyết định công nhận")
def decision(request, pk: int, payload: NtmDecisionIn):
    return _call(
        services.decide,
        request.user,
        _dossier(request, pk),
        **payload.dict(),
    )


class RevokeIn(NtmDecisionIn):
    reason: str


@router.post("/recognitions/{pk}/revoke", response=RecognitionOut, summary="Thu hồi công nhận")
def revoke(request, pk: int, payload: RevokeIn):
    rec = get_visible_or_404(request, Recognition, pk)
    return _call(services.revoke, request.user, rec, **payload.dict())


class RecordIn(NtmDecisionIn):
    division_id: int
    kind: str
    year: int
    note: str = ""


class RecordedOut(RecognitionOut):
    division_code: str = Field(alias="division.code")
    division_name: str = Field(alias="division.name")
    decision_issuer: str = Field(alias="decision.issuer")
    historical: bool
    note: str


@router.post(
    "/recognitions",
    response={201: RecordedOut},
    summary="Ghi một công nhận theo quyết định (huyện, thị xã, tỉnh; xã, thôn từ hồ sơ cũ)",
)
def record_recognition(request, payload: RecordIn):
    division = _division(request, payload.division_id)
    rec = _call(
        services.record_historical,
        request.user,
        division,
        payload.kind,
        payload.year,
        **payload.dict(exclude={"division_id", "kind", "year"}),
    )
    return 201, rec


@router.get("/recognitions", response=list[RecordedOut], summary="Các công nhận trong phạm vi")
def list_recognitions(
    request, division_id: int | None = None, year: int | None = None, kind: str | None = None
):
    qs = Recognition.objects.visible_to(request.user).select_related("division", "decision")
    if division_id:
        qs = qs.filter(division=_division(request, division_id))
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("year", "division__code", "id")


class UnitDossierIn(Schema):
    division_id: int
    kind: str
    year: int
    on: dt.date | None = None


@router.post(
    "/dossiers/unit",
    response={201: NtmDossierOut},
    summary="Mở hồ sơ xét công nhận huyện, thị xã/thành phố hoặc tỉnh",
)
def open_unit_dossier(request, payload: UnitDossierIn):
    division = _division(request, payload.division_id)
    return 201, _call(
        services.open_unit_dossier,
        request.user,
        division,
        payload.kind,
        payload.year,
        payload.on,
    )


class TargetIn(UnitYearIn):
    metric: str
    value: Decimal
    reading: str = "cumulative"
    note: str = ""


class TargetOut(UnitYearOut):
    metric: str
    reading: str
    value: Decimal


@router.post("/targets", response=TargetOut, summary="Kế hoạch năm của một đơn vị")
def set_target(request, payload: TargetIn):
    return _for_unit_year(request, services.set_target, payload)


@router.get("/figures", summary="Số liệu NTM của một đơn vị trong một năm")
def get_figures(request, division: str, year: int, map: str | None = None):
    """`division`: mã đơn vị (tỉnh hoặc xã); `map`: khóa bản đồ (mặc định bản đồ hiện hành,
    dùng bản đồ cũ để xem số liệu "theo địa giới cũ")."""
    unit = resolve_division(request.user, division, map_key=map)
    return figures(request.user, unit, year)


def find_division(code: str, map_key: str | None = None) -> Division:
    """The unit named by `code` on map `map_key` (default: today's unit, else the newest with
    that code): the rule of every programme, `divisions.services.find_unit`. 404 if none."""
    try:
        unit = find_unit(code, map_key=map_key)
    except UnknownMap:
        raise Http404 from None
    if unit is None:
        raise Http404
    return unit
