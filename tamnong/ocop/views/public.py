"""Public OCOP pages without login: the product catalog and certificate verification."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from tamnong.core import datacache
from tamnong.divisions.models import Division, Level

from .. import forms
from ..models import (
    Certificate,
    CriteriaSet,
)
from ..ratelimit import limit


def _catalog_choices() -> dict:
    choices = cache.get("ocop:catalog-choices")
    if choices is None:
        choices = {
            "provinces": list(forms.province_choices().values("id", "name")),
            "groups": sorted(set(CriteriaSet.objects.values_list("product_group", flat=True))),
        }
        cache.set("ocop:catalog-choices", choices, 300)
    return choices


def _unit_ids(unit: Division) -> list[int]:
    key = f"ocop:units:{unit.pk}"
    ids = cache.get(key)
    if ids is None:
        ids = list(Division.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        cache.set(key, ids, 600)
    return ids


@limit("ocop-public")
def catalog(request):
    """Public catalog: only products with a certificate valid today are shown as OCOP."""
    today = timezone.localdate()
    qs = Certificate.objects.valid_on(today).select_related(
        "product", "producer", "division", "division__parent"
    )
    f = {k: request.GET.get(k, "").strip() for k in ("province", "commune", "group", "stars", "q")}
    # A place filter becomes the list of unit ids under it (old units included): an indexed
    # IN on the certificate row instead of a LIKE through a join.
    for key, level in (("province", Level.PROVINCE), ("commune", Level.COMMUNE)):
        if f[key].isdigit():
            unit = Division.objects.filter(pk=f[key], level=level).first()
            if unit is not None:
                qs = qs.filter(division_id__in=_unit_ids(unit))
    if f["group"]:
        qs = qs.filter(product__product_group=f["group"])
    if f["stars"] in {"3", "4", "5"}:
        qs = qs.filter(stars=int(f["stars"]))
    if f["q"]:
        qs = qs.filter(Q(product__name__icontains=f["q"]) | Q(producer__name__icontains=f["q"]))
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)

    def render_list():
        page = Paginator(qs.order_by("-stars", "product__name", "id"), 24).get_page(
            request.GET.get("page")
        )
        html = render_to_string("ocop/_catalog_list.html", {"page": page, "query": query})
        return mark_safe(html)  # noqa: S308 – our template's output

    # the same for every visitor: rendered once per data version and day (core.datacache)
    list_html = datacache.cached(
        "ocop.catalog", (tuple(f.items()), request.GET.get("page", "")), render_list
    )
    communes = []
    if f["province"].isdigit():
        communes = Division.objects.filter(parent_id=f["province"], level=Level.COMMUNE).values(
            "id", "name"
        )
    return render(
        request,
        "ocop/public_catalog.html",
        {"list_html": list_html, "f": f, "communes": communes, **_catalog_choices()},
    )


@limit("ocop-public")
def verify(request, public_id: str):
    cert = (
        Certificate.objects.select_related(
            "product", "producer", "division", "division__parent", "decision"
        )
        .filter(public_id=public_id)
        .first()
    )
    if cert is None:
        raise Http404
    state, on = cert.status_on(timezone.localdate())
    return render(request, "ocop/public_verify.html", {"cert": cert, "state": state, "on": on})
