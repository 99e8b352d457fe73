"""OCOP registry: producers (chủ thể), products, sales channels and fairs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record, snapshot
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve

from ..models import (
    Channel,
    CriteriaSet,
    Fair,
    Producer,
    Product,
)
from ._base import fail


def can_act_for(user, producer: Producer) -> bool:
    scope = Scope.of(user)
    return scope.can_edit(producer.division) or producer.code in scope.producer_refs


def can_edit_producer(user, producer: Producer) -> bool:
    """May `user` correct the producer's record (`update_producer`)? Officers of its commune."""
    return Scope.of(user).can_edit(producer.division)


def require_producer_access(user, producer: Producer) -> None:
    if not can_act_for(user, producer):
        raise PermissionDenied(_("Bạn không có quyền thao tác cho chủ thể này."))


def _next_code(prefix: str, model, field: str = "code") -> str:
    n = model.objects.filter(**{f"{field}__startswith": prefix}).count() + 1
    while model.objects.filter(**{field: f"{prefix}{n:05d}"}).exists():
        n += 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def create_producer(
    actor, *, division: Division, name: str, kind: str, code: str = "", **fields
) -> Producer:
    """Register a subject (chủ thể) in a commune; commune officers and province staff may."""
    Scope.of(actor).require_edit(division)
    if division.level != Level.COMMUNE:
        fail("division", _("Chủ thể phải gắn với một xã/phường."))
    province = resolve(division, Level.PROVINCE)
    code = code.strip() or _next_code(f"CT{province.code if province else ''}-", Producer)
    if Producer.objects.filter(code=code).exists():
        fail("code", _("Mã chủ thể %(code)s đã có.") % {"code": code})
    return Producer.objects.create(
        code=code, division=division, name=name.strip(), kind=kind, **fields
    )


# What an officer may correct on a producer's record; the code (its producers' login reference)
# stays.
PRODUCER_FIELDS = (
    "name",
    "kind",
    "registration_no",
    "representative",
    "division",
    "address",
    "phone",
    "email",
)


@transaction.atomic
def update_producer(actor, producer: Producer, **fields) -> Producer:
    """Correct a producer's record (name, address, contacts, commune). Officers who may edit its
    commune may, and, when it moves, the new commune too; its products move with it (the
    certificates keep the commune they were issued in). Every save is audited (before/after)."""
    unknown = set(fields) - set(PRODUCER_FIELDS)
    if unknown:
        raise TypeError(f"update_producer: not editable: {sorted(unknown)}")
    scope = Scope.of(actor)
    scope.require_edit(producer.division)
    division = fields.get("division", producer.division)
    moved = division.pk != producer.division_id
    if moved:
        scope.require_edit(division)
        if division.level != Level.COMMUNE:
            fail("division", _("Chủ thể phải gắn với một xã/phường."))
    for key, value in fields.items():
        setattr(producer, key, value.strip() if isinstance(value, str) else value)
    if not producer.name:
        fail("name", _("Cần tên chủ thể."))
    producer.full_clean(validate_unique=False)
    producer.save()
    if moved:
        for product in producer.products.all():
            product.division = division
            product.save(update_fields=["division"])
    return producer


def product_sets() -> list[CriteriaSet]:
    """The product sets (bộ sản phẩm) in force today, one per set number."""
    seen, out = set(), []
    today = timezone.localdate()
    for cs in (
        CriteriaSet.objects.latest_versions()
        .filter(effective_from__lte=today)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by("set_no", "-effective_from", "-version")
    ):
        if cs.set_no not in seen:
            seen.add(cs.set_no)
            out.append(cs)
    return out


@transaction.atomic
def create_product(
    actor, producer: Producer, *, name: str, set_no: int, code: str = "", **fields
) -> Product:
    require_producer_access(actor, producer)
    cs = CriteriaSet.objects.filter(set_no=set_no).order_by("-effective_from", "-version").first()
    if cs is None:
        fail("set_no", _("Không có bộ sản phẩm số %(set_no)s.") % {"set_no": set_no})
    code = code.strip() or _next_code(f"{producer.code}-SP", Product)
    if Product.objects.filter(code=code).exists():
        fail("code", _("Mã sản phẩm %(code)s đã có.") % {"code": code})
    return Product.objects.create(
        code=code,
        producer=producer,
        name=name.strip(),
        set_no=set_no,
        product_group=cs.product_group,
        product_subgroup=cs.product_subgroup,
        product_set=cs.product_set,
        division=producer.division,
        **fields,
    )


def add_channel(
    actor, product: Product, *, kind: str, name: str, country: str = "", since=None
) -> Channel:
    require_producer_access(actor, product.producer)
    if kind == Channel.Kind.EXPORT and len(country) != 2:
        fail("country", _("Kênh xuất khẩu cần mã quốc gia 2 chữ (vd JP, US)."))
    ch = Channel.objects.create(
        product=product, kind=kind, name=name, country=country.upper(), since=since
    )
    record(AuditEvent.Action.CREATE, ch, after=snapshot(ch), division=product.division)
    return ch


def add_fair(actor, product: Product, *, name: str, place: str = "", held_on=None) -> Fair:
    require_producer_access(actor, product.producer)
    fair = Fair.objects.create(product=product, name=name, place=place, held_on=held_on)
    record(AuditEvent.Action.CREATE, fair, after=snapshot(fair), division=product.division)
    return fair
