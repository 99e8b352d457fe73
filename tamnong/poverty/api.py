"""Poverty API (/api/v1/poverty/): figures, households and their review records, standards."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from tamnong.access.lookups import get_visible_or_404, resolve_division
from tamnong.core.pagination import KeysetPage, Router
from tamnong.divisions.services import within_q

from . import exports, services
from .models import Household, ReviewRecord, Standard

router = Router(tags=["poverty"])


class StandardOut(Schema):
    key: str
    title: str
    first_year: int
    last_year: int
    line_rural: int
    line_urban: int
    middle_rural_up_to: int | None
    middle_urban_up_to: int | None
    deprivation_threshold: int
    indicators: list[dict]


@router.get("/standards", response=list[StandardOut], summary="Các chuẩn nghèo đa chiều")
def list_standards(request):
    return Standard.objects.all()


@router.get("/figures", summary="Số liệu hộ nghèo, cận nghèo của một đơn vị trong một năm")
def get_figures(request, year: int, division: str | None = None, map: str | None = None):
    """`division`: code (the unit in force today first, else the newest with that code, e.g. an
    old province) or id; default: the broadest unit of your scope. `map`: map key (``vn-2008``)
    for the unit of that map when both maps have the code."""
    div = resolve_division(request.user, division, map_key=map)
    data = services.report(request.user, div, year)
    if data["figures"] is None:
        raise Http404
    return exports.jsonable(data)


@router.get("/support", summary="Hỗ trợ, giúp đỡ và thoát nghèo bền vững theo đơn vị, năm")
def get_support(request, year: int, division: str | None = None, map: str | None = None):
    div = resolve_division(request.user, division, map_key=map)
    return exports.jsonable(services.support_totals(request.user, div, year))


class ReviewOut(Schema):
    year: int
    income: int
    members: int
    housing_area: float | None
    deprived: list[int]
    deprivation_count: int
    classification: str
    transition: str
    standard: str
    arising: bool
    arising_reason: str

    @staticmethod
    def resolve_deprived(obj):
        return obj.deprived_numbers()

    @staticmethod
    def resolve_standard(obj):
        return obj.standard.key


class HouseholdOut(Schema):
    code: str
    head_name: str
    members: int
    province: str
    province_name: str
    commune: str
    division: str
    area: str
    ethnic_minority: bool
    policy_household: bool

    @staticmethod
    def resolve_province(obj):
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj):
        return obj.province.name

    @staticmethod
    def resolve_commune(obj):
        return obj.commune.code

    @staticmethod
    def resolve_division(obj):
        return obj.division.code

    @staticmethod
    def resolve_area(obj):
        return "urban" if obj.area else "rural"


class HouseholdDetailOut(HouseholdOut):
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_reviews(obj):
        return list(obj.reviews.select_related("standard").order_by("year"))


def _household(request, code: str, province: str | None = None) -> Household:
    """The household `code` (in province `province`, a code, when given). A code is unique
    within a province only: a user who sees it in several provinces is told to name one (409,
    the provinces listed); `GET /households?code=` lists them all."""
    found = services.households_by_code(request.user, code, province)
    if len(found) == 1:
        return found[0]
    if found:
        names = "; ".join(f"{h.province.code} {h.province.name}" for h in found)
        raise HttpError(
            409,
            _(
                "Mã hộ %(code)s có ở %(n)s tỉnh, thành phố (%(names)s): thêm ?province=<mã tỉnh>, "
                "hoặc xem tất cả tại /api/v1/poverty/households?code=%(code)s."
            )
            % {"code": code, "n": len(found), "names": names},
        )
    lookup = {"code": code, **({"province__code": province} if province else {})}
    return get_visible_or_404(
        request, Household.objects.select_related("commune", "division", "province"), **lookup
    )


@router.get("/households", response=list[HouseholdOut], summary="Danh sách hộ (theo phạm vi)")
@paginate(KeysetPage, ordering=("code", "id"))
def list_households(
    request,
    division: str | None = None,
    q: str | None = None,
    map: str | None = None,
    code: str | None = None,
):
    """`q`: codes starting with it; `code`: that code exactly, in every province of your scope
    (a code is unique within a province only; each item names its `province`)."""
    qs = Household.objects.visible_to(request.user).select_related(
        "commune", "division", "province"
    )
    if division:
        div = resolve_division(request.user, division, map_key=map)
        qs = qs.filter(within_q(div, "division"))
    if q:
        qs = qs.filter(code__startswith=q)
    if code:
        qs = qs.filter(code=code)
    return qs


@router.get("/households/{code}", response=HouseholdDetailOut, summary="Một hộ và các năm rà soát")
def get_household(request, code: str, province: str | None = None):
    """`province`: the province's code, when the code is in several provinces of your scope."""
    return _household(request, code, province)


class ReviewIn(Schema):
    income: int = Field(..., ge=0)
    members: int = Field(..., ge=1, le=99)
    deprived: list[int] = []
    housing_area: float | None = Field(None, ge=0)
    arising_reason: str = ""


@router.put(
    "/households/{code}/reviews/{year}",
    response=ReviewOut,
    summary="Ghi kết quả rà soát của một hộ trong một năm",
)
def put_review(request, code: str, year: int, payload: ReviewIn, province: str | None = None):
    household = _household(request, code, province)
    record = services.save_review(
        request.user,
        household,
        year,
        services.ReviewInput(
            income=payload.income,
            members=payload.members,
            deprived=set(payload.deprived),
            housing_area=payload.housing_area,
            arising_reason=payload.arising_reason,
        ),
    )
    return ReviewRecord.objects.select_related("standard").get(pk=record.pk)
