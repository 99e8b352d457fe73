"""OCOP JSON API (/api/v1/ocop/): the same services as the pages, scoped by `visible_to`.

Refused actions answer 400 (rule broken: `errors: [{field, message}]`), 403 (a step the role may not
take on a record in scope, logged), 404 (unknown, or outside the scope: `access.lookups`, logged),
422 (malformed input)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tamnong.access.lookups import get_visible_or_404
from tamnong.accounts.models import User
from tamnong.core.pagination import Router
from tamnong.divisions.models import Division
from tamnong.endpoints import detail, listing

from . import figures as figures_service
from . import pdf, services
from .models import (
    Certificate,
    CouncilSession,
    CriteriaSet,
    Dossier,
    EvaluationRound,
    Producer,
    ProducerKind,
    Product,
    Seat,
)

router = Router(tags=["ocop"])


def _get(request, model, pk: int):
    """The record in the user's scope, else 404 (access.lookups: the one policy, audited)."""
    return get_visible_or_404(request, model, pk)


# -- schemas ---------------------------------------------------------------------------------------


class ProducerIn(Schema):
    name: str = Field(min_length=2, max_length=255)
    kind: ProducerKind
    division_id: int
    code: str = Field("", max_length=64)
    registration_no: str = Field("", max_length=64)
    representative: str = Field("", max_length=150)
    address: str = Field("", max_length=255)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class ProducerPatch(Schema):
    """The fields to correct; those left out (or null) stay as they are."""

    name: str | None = Field(None, min_length=2, max_length=255)
    kind: ProducerKind | None = None
    division_id: int | None = None
    registration_no: str | None = Field(None, max_length=64)
    representative: str | None = Field(None, max_length=150)
    address: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)


class ProducerOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    registration_no: str
    representative: str
    division_id: int
    address: str


class ProductIn(Schema):
    producer_id: int
    name: str = Field(min_length=2, max_length=255)
    set_no: int = Field(ge=1, le=99)
    code: str = Field("", max_length=64)
    description: str = ""
    raw_material_area: str = Field("", max_length=255)
    raw_material_ha: Decimal | None = Field(None, ge=0)


class ProductOut(Schema):
    id: int
    code: str
    name: str
    producer_id: int
    set_no: int
    product_group: str
    product_subgroup: str
    product_set: str
    division_id: int


class ChannelIn(Schema):
    kind: str = Field(pattern="^(supermarket|ecommerce|export|other)$")
    name: str = Field(min_length=1, max_length=200)
    country: str = Field("", max_length=2)
    since: dt.date | None = None


class OcopDossierIn(Schema):
    product_id: int
    kind: str = Field("new", pattern="^(new|renewal|upgrade)$")
    registered_on: dt.date | None = None


class OcopDossierOut(Schema):
    id: int
    product_id: int
    kind: str
    state: str
    regime: str
    criteria_set_id: int | None
    criteria_version: int | None
    registered_on: dt.date
    self_total: Decimal | None
    commune_answers: dict
    session_id: int | None
    mean_score: Decimal | None
    band: int | None
    stars: int | None
    result: dict

    @staticmethod
    def resolve_regime(obj):
        return obj.regime.key

    @staticmethod
    def resolve_criteria_version(obj):
        return obj.criteria_set.version if obj.criteria_set_id else None


class AnswersIn(Schema):
    answers: dict[str, Decimal | int | float | str]


class CommuneIn(AnswersIn):
    report: str


class ReasonIn(Schema):
    reason: str


class SeatIn(Schema):
    username: str
    role: str = Field(pattern="^(chair|member|secretary|advisor)$")


class SessionIn(Schema):
    division_id: int
    name: str = Field(min_length=2, max_length=255)
    held_on: dt.date
    seats: list[SeatIn]


class SessionOut(Schema):
    id: int
    name: str
    held_on: dt.date
    state: str
    level: str
    regime: str
    dossiers: list[int]
    seats: list[dict]

    @staticmethod
    def resolve_regime(obj):
        return obj.regime.key

    @staticmethod
    def resolve_dossiers(obj):
        return list(obj.dossiers.values_list("id", flat=True))

    @staticmethod
    def resolve_seats(obj):
        return [
            {"username": s.user.username, "role": s.role} for s in obj.seats.select_related("user")
        ]


class DossierIds(Schema):
    dossier_ids: list[int] = Field(min_length=1)


class SheetIn(AnswersIn):
    dossier_id: int
    comment: str = ""


class SheetOut(Schema):
    id: int
    dossier_id: int
    member: str
    total: Decimal
    parts: dict
    answers: dict

    @staticmethod
    def resolve_member(obj):
        return obj.member.username


class OcopDecisionIn(Schema):
    number: str = Field(min_length=1, max_length=60)
    signed_on: dt.date
    issuer: str = Field(min_length=2, max_length=200)
    signer: str = ""


class RecognitionIn(OcopDecisionIn):
    dossier_ids: list[int] = Field(min_length=1)


class RevocationIn(OcopDecisionIn):
    reason: str = Field("", max_length=500)
    revoked_on: dt.date | None = None
    # 26/2026 Điều 8: a ground of the data's list, the day of the finding (15 days), the reason
    # for a later decision
    ground: str = Field("", max_length=4)
    found_on: dt.date | None = None
    late_reason: str = Field("", max_length=500)


class CertificateOut(Schema):
    id: int
    number: str
    product_id: int
    producer_id: int
    stars: int
    score: Decimal | None
    issued_on: dt.date
    expires_on: dt.date
    decision: str
    status: str
    status_since: dt.date | None
    verification_url: str
    supersedes_id: int | None

    @staticmethod
    def resolve_decision(obj):
        return obj.decision.number

    @staticmethod
    def resolve_status(obj):
        return str(obj.status_on(timezone.localdate())[0])

    @staticmethod
    def resolve_status_since(obj):
        return obj.status_on(timezone.localdate())[1]

    @staticmethod
    def resolve_verification_url(obj):
        return pdf.verification_url(obj)


class CriteriaSetOut(Schema):
    id: int
    decision: str
    set_no: int
    version: int
    product_group: str
    product_subgroup: str
    product_set: str
    effective_from: dt.date
    effective_to: dt.date | None
    confidence: str
    complete: bool
    defects: list[str]
    superseded: bool

    @staticmethod
    def resolve_superseded(obj):
        return obj.superseded_at is not None


class CriteriaSetDetail(CriteriaSetOut):
    content: dict


# -- registry --------------------------------------------------------------------------------------


listing(router, "/producers", Producer, list[ProducerOut], "Chủ thể OCOP trong phạm vi", by="name")


@router.post("/producers", response={201: ProducerOut}, summary="Đăng ký chủ thể")
def create_producer(request, payload: ProducerIn):
    division = get_object_or_404(Division, pk=payload.division_id)
    data = payload.dict()
    data.pop("division_id")
    return 201, services.create_producer(request.user, division=division, **data)


detail(router, "/producers/{producer_id}", Producer, ProducerOut)


@router.patch(
    "/producers/{producer_id}", response=ProducerOut, summary="Sửa thông tin chủ thể (cán bộ xã)"
)
def update_producer(request, producer_id: int, payload: ProducerPatch):
    producer = _get(request, Producer, producer_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "division_id" in data:
        data["division"] = get_object_or_404(Division, pk=data.pop("division_id"))
    return services.update_producer(request.user, producer, **data)


listing(router, "/products", Product, list[ProductOut], "Sản phẩm trong phạm vi", by="name")


@router.post("/products", response={201: ProductOut}, summary="Thêm sản phẩm")
def create_product(request, payload: ProductIn):
    producer = _get(request, Producer, payload.producer_id)
    data = payload.dict()
    data.pop("producer_id")
    if data["raw_material_ha"] is None:
        data.pop("raw_material_ha")
    return 201, services.create_product(request.user, producer, **data)


detail(router, "/products/{product_id}", Product, ProductOut)


@router.post("/products/{product_id}/channels", response={201: dict}, summary="Thêm kênh phân phối")
def add_channel(request, product_id: int, payload: ChannelIn):
    product = _get(request, Product, product_id)
    ch = services.add_channel(request.user, product, **payload.dict())
    return 201, {"id": ch.pk}


# -- dossiers --------------------------------------------------------------------------------------


@router.post("/dossiers", response={201: OcopDossierOut}, summary="Đăng ký đánh giá (mở hồ sơ)")
def open_dossier(request, payload: OcopDossierIn):
    product = _get(request, Product, payload.product_id)
    return 201, services.open_dossier(
        request.user, product, kind=payload.kind, registered_on=payload.registered_on
    )


listing(
    router,
    "/dossiers",
    Dossier,
    list[OcopDossierOut],
    filters={"state": "state"},
    select=["regime", "criteria_set"],
)


detail(router, "/dossiers/{dossier_id}", Dossier, OcopDossierOut)


@router.put(
    "/dossiers/{dossier_id}/self-assessment", response=OcopDossierOut, summary="Tự đánh giá"
)
def self_assessment(request, dossier_id: int, payload: AnswersIn):
    dossier = _get(request, Dossier, dossier_id)
    return services.save_self_assessment(request.user, dossier, payload.answers)


@router.post("/dossiers/{dossier_id}/files", response={201: dict}, summary="Tải tệp hồ sơ")
def upload_file(
    request,
    dossier_id: int,
    kind: Form[str],
    file: File[UploadedFile],
    criterion: Form[str] = "",
):
    dossier = _get(request, Dossier, dossier_id)
    f = services.add_file(request.user, dossier, kind=kind, upload=file, criterion=criterion)
    return 201, {"id": f.pk, "name": f.name, "size": f.size, "sha256": f.sha256}


@router.post("/dossiers/{dossier_id}/submit", response=OcopDossierOut, summary="Nộp hồ sơ")
def submit(request, dossier_id: int):
    return services.submit_dossier(request.user, _get(request, Dossier, dossier_id))


@router.post(
    "/dossiers/{dossier_id}/commune-assessment", response=OcopDossierOut, summary="Xã đánh giá"
)
def commune_assessment(request, dossier_id: int, payload: CommuneIn):
    dossier = _get(request, Dossier, dossier_id)
    return services.commune_assess(
        request.user, dossier, answers=payload.answers, report=payload.report
    )


@router.post("/dossiers/{dossier_id}/return", response=OcopDossierOut, summary="Xã trả lại hồ sơ")
def return_dossier(request, dossier_id: int, payload: ReasonIn):
    return services.return_dossier(request.user, _get(request, Dossier, dossier_id), payload.reason)


@router.get(
    "/dossiers/{dossier_id}/sheets", response=list[SheetOut], summary="Phiếu của các thành viên"
)
def dossier_sheets(request, dossier_id: int):
    dossier = _get(request, Dossier, dossier_id)
    # Members score independently: while the session is open only those who run it (province
    # staff of its scope, its secretary) read the sheets; the pages follow the same rule.
    if not services.dossier_sheets_visible(request.user, dossier):
        return []
    return list(dossier.sheets.select_related("member"))


# -- evaluation rounds (26/2026 Điều 5) -------------------------------------------------------------


class RoundOut(Schema):
    id: int
    province: str
    level: str
    year: int
    number: int
    proposals_before: dt.date
    decided_before: dt.date
    article: str
    regime: str
    dossiers: list[int]
    not_proposed: list[int]
    not_decided: list[int]
    late: bool


class RoundsIn(Schema):
    province_id: int
    year: int


def _round_out(status) -> dict:
    r = status.round
    members = r.dossiers if r.level == "province" else r.central_dossiers
    return {
        "id": r.pk,
        "province": r.division.code,
        "level": r.level,
        "year": r.year,
        "number": r.number,
        "proposals_before": r.proposals_before,
        "decided_before": r.decided_before,
        "article": r.article,
        "regime": r.regime.key,
        "dossiers": list(members.values_list("id", flat=True)),
        "not_proposed": [d.pk for d in status.not_proposed],
        "not_decided": [d.pk for d in status.not_decided],
        "late": status.late,
    }


@router.get(
    "/rounds", response=list[RoundOut], summary="Đợt đánh giá trong phạm vi, với hồ sơ quá hạn"
)
def list_rounds(request, today: dt.date | None = None):
    return [_round_out(s) for s in services.rounds_with_status(request.user, today=today)]


@router.post("/rounds", response={201: list[RoundOut]}, summary="Lập các đợt đánh giá của một năm")
def create_rounds(request, payload: RoundsIn):
    province = get_object_or_404(Division, pk=payload.province_id)
    created = services.create_rounds(request.user, province, payload.year)
    return 201, [
        _round_out(s)
        for s in services.rounds_with_status(
            request.user, rounds=EvaluationRound.objects.filter(pk__in=[r.pk for r in created])
        )
    ]


# -- council ---------------------------------------------------------------------------------------


@router.post("/sessions", response={201: SessionOut}, summary="Lập phiên Hội đồng")
def create_session(request, payload: SessionIn):
    division = get_object_or_404(Division, pk=payload.division_id)
    seats = []
    for s in payload.seats:
        user = User.objects.filter(username__iexact=s.username).first()
        if user is None:
            services.fail(
                "seats", _("Không có người dùng %(username)s.") % {"username": s.username}
            )
        seats.append((user, s.role))
    return 201, services.create_session(
        request.user, division=division, name=payload.name, held_on=payload.held_on, seats=seats
    )


detail(router, "/sessions/{session_id}", CouncilSession, SessionOut)


@router.post("/sessions/{session_id}/dossiers", response=SessionOut, summary="Đưa hồ sơ vào phiên")
def add_dossiers(request, session_id: int, payload: DossierIds):
    session = _get(request, CouncilSession, session_id)
    dossiers = [_get(request, Dossier, pk) for pk in payload.dossier_ids]
    services.add_to_session(request.user, session, dossiers)
    return session


@router.post(
    "/sessions/{session_id}/sheets", response={201: SheetOut}, summary="Nộp phiếu đánh giá"
)
def submit_sheet(request, session_id: int, payload: SheetIn):
    session = get_object_or_404(CouncilSession, pk=session_id)
    if not Seat.objects.filter(session=session, user=request.user).exists():
        raise PermissionDenied(_("Chỉ thành viên Hội đồng của phiên này được chấm điểm."))
    dossier = get_object_or_404(Dossier, pk=payload.dossier_id)
    return 201, services.submit_sheet(
        request.user, session, dossier, payload.answers, payload.comment
    )


@router.post(
    "/sessions/{session_id}/close", response=list[OcopDossierOut], summary="Kết thúc chấm điểm"
)
def close_session(request, session_id: int, confirm_missing: bool = False):
    """Refused below the regime's quorum; with members who have not submitted, only with
    `?confirm_missing=true` (the page's confirmation step)."""
    session = get_object_or_404(CouncilSession, pk=session_id)
    return services.close_session(request.user, session, confirm_missing=confirm_missing)


# -- decisions and certificates --------------------------------------------------------------------


@router.post("/recognitions", response={201: list[CertificateOut]}, summary="Quyết định công nhận")
def recognise(request, payload: RecognitionIn):
    dossiers = [_get(request, Dossier, pk) for pk in payload.dossier_ids]
    _decision, certs = services.recognise(
        request.user, dossiers, **payload.dict(exclude={"dossier_ids"})
    )
    return 201, certs


class CentralIn(OcopDecisionIn):
    stars: int = Field(ge=1, le=5)


@router.post(
    "/dossiers/{dossier_id}/central-result",
    response={201: OcopDossierOut},
    summary="Ghi nhận quyết định của Bộ (đề nghị 5 sao)",
)
def central_result(request, dossier_id: int, payload: CentralIn):
    dossier = _get(request, Dossier, dossier_id)
    # The ministry's decision names no signer of the province.
    services.record_central_result(request.user, dossier, **payload.dict(exclude={"signer"}))
    return 201, Dossier.objects.get(pk=dossier.pk)


@router.get("/certificates", response=list[CertificateOut])
def list_certificates(request, valid_on: dt.date | None = None):
    qs = Certificate.objects.visible_to(request.user).select_related("decision")
    return qs.valid_on(valid_on) if valid_on else qs


detail(router, "/certificates/{certificate_id}", Certificate, CertificateOut)


@router.get("/certificates/{certificate_id}/pdf", summary="Giấy chứng nhận (PDF)")
def certificate_pdf(request, certificate_id: int):
    cert = _get(request, Certificate, certificate_id)
    return HttpResponse(pdf.certificate_pdf(cert), content_type="application/pdf")


@router.post(
    "/certificates/{certificate_id}/revocation", response={201: CertificateOut}, summary="Thu hồi"
)
def revoke(request, certificate_id: int, payload: RevocationIn):
    cert = _get(request, Certificate, certificate_id)
    services.revoke(request.user, cert, **payload.dict())
    return 201, Certificate.objects.get(pk=cert.pk)


# -- rules and figures -----------------------------------------------------------------------------


@router.get("/criteria-sets", response=list[CriteriaSetOut], summary="Bộ tiêu chí (mọi phiên bản)")
def list_criteria_sets(request):
    return CriteriaSet.objects.order_by("set_no", "-effective_from", "-version")


@router.get("/criteria-sets/{set_id}", response=CriteriaSetDetail)
def get_criteria_set(request, set_id: int):
    return get_object_or_404(CriteriaSet, pk=set_id)


class FiguresQuery(Schema):
    division: str | None = None
    date: str | None = None
    since: str | None = None
    map: str | None = None


@router.get("/figures", response=dict, summary="Số liệu OCOP theo đơn vị và ngày")
def figures(request, params: Query[FiguresQuery]):
    parsed = figures_service.parse_params(
        request.user, params.division, params.date, params.since, params.map
    )
    return figures_service.figures(request.user, **parsed)
