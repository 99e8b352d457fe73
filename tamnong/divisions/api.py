import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Schema

from tamnong.core.pagination import Router

from . import services
from .models import Division, Level

router = Router(tags=["divisions"])


class DivisionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    map: str
    parent_id: int | None
    current_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_map(obj):
        return obj.map.key


class LinkOut(Schema):
    kind: str
    partial: bool
    primary: bool
    effective_date: dt.date
    unit: DivisionOut


class DivisionDetailOut(DivisionOut):
    successors: list[LinkOut]
    predecessors: list[LinkOut]


class DivisionFilter(Schema):
    map: str | None = None
    level: Level | None = None
    parent: int | None = None
    q: str | None = None


@router.get("", response=list[DivisionOut], summary="Danh sách đơn vị hành chính")
def list_divisions(request, filters: Query[DivisionFilter]):
    qs = Division.objects.select_related("map").order_by("map__valid_from", "level", "code")
    if filters.map:
        qs = qs.filter(map__key=filters.map)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code=filters.q))
    return qs


@router.get("/resolve", response=DivisionOut, summary="Đơn vị tính cho một mã (theo bản đồ)")
def resolve(request, code: str, level: Level, map: str | None = None, as_of: str | None = None):
    """Find unit `code` of `level` (in `map`, default: any map, newest first) and return the unit
    it is counted under in map `as_of` (default: the current map)."""
    qs = Division.objects.select_related("map").filter(code=code, level=level)
    if map:
        qs = qs.filter(map__key=map)
    unit = qs.order_by("-map__valid_from").first()
    target = None
    if unit is not None:
        target = services.as_of_map(unit, as_of) if as_of else services.resolve(unit)
    if target is None:
        raise Http404
    return target


@router.get("/{division_id}", response=DivisionDetailOut, summary="Một đơn vị và quan hệ kế thừa")
def get_division(request, division_id: int):
    unit = get_object_or_404(Division.objects.select_related("map"), pk=division_id)

    def link(lk, other):
        return {
            "kind": lk.kind,
            "partial": lk.partial,
            "primary": lk.primary,
            "effective_date": lk.effective_date,
            "unit": other,
        }

    unit.successors = [
        link(lk, lk.successor) for lk in unit.successor_links.select_related("successor__map")
    ]
    unit.predecessors = [
        link(lk, lk.predecessor) for lk in unit.predecessor_links.select_related("predecessor__map")
    ]
    return unit
