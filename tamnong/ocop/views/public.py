"""Public OCOP pages without login: the product catalog and certificate verification."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from tamnong.core import datacache, storedfiles
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import within_q

from .. import forms
from ..models import (
    Certificate,
    CriteriaSet,
    Regime,
)
from ..ratelimit import limit


def _catalog_choices() -> dict:
    """The province and product-group choices of the catalog form."""
    return datacache.cached_public(
        "ocop.catalog-choices",
        compute=lambda: {
            "provinces": list(forms.province_choices().values("id", "name")),
            "groups": sorted(set(CriteriaSet.objects.values_list("product_group", flat=True))),
        },
    )


def _unit_ids(unit: Division) -> list[int]:
    return datacache.cached_public(
        "divisions.unit-ids",
        unit.pk,
        compute=lambda: list(
            Division.objects.filter(within_q(unit, "")).values_list("pk", flat=True)
        ),
    )


# The first pages of every filter are kept (core.datacache); a text search in the bounded store
# of searches (datacache.cached_search); a deeper page or a filter value that names nothing is
# computed for its request, so that visitors cannot fill the cache with one entry per query
# string.
CACHED_PAGES = 10
_UNKNOWN = -1


def _key_part(text: str, value: int | None) -> int | None:
    """A filter's part of the list's cache key: None for no filter, `_UNKNOWN` when the text
    names nothing we know (such a list is computed, not cached)."""
    if not text:
        return None
    return _UNKNOWN if value is None else value


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
    choices = _catalog_choices()
    key = []  # the list's cache key: ids and numbers from the data, never the visitor's text
    for name, level in (("province", Level.PROVINCE), ("commune", Level.COMMUNE)):
        unit = None
        if f[name].isdigit():
            unit = Division.objects.filter(pk=f[name], level=level).first()
            if unit is not None:
                qs = qs.filter(division_id__in=_unit_ids(unit))
        key.append(_key_part(f[name], unit.pk if unit else None))
    if f["group"]:
        qs = qs.filter(product__product_group=f["group"])
    groups = choices["groups"]
    key.append(_key_part(f["group"], groups.index(f["group"]) if f["group"] in groups else None))
    ranks = Regime.star_ranks()  # the ranks a certificate can have (data/ocop/regimes.yaml)
    if f["stars"] in ranks:
        qs = qs.filter(stars=int(f["stars"]))
    key.append(_key_part(f["stars"], int(f["stars"]) if f["stars"] in ranks else None))
    page = request.GET.get("page", "").strip() or "1"
    key.append(_key_part(page, int(page) if page.isdigit() else None))
    bounded = _UNKNOWN not in key and 1 <= key[-1] <= CACHED_PAGES

    def render_list(text: str = ""):
        found = qs
        if text:
            found = found.filter(
                Q(product__name__icontains=text) | Q(producer__name__icontains=text)
            )
        query = "&".join(f"{k}={v}" for k, v in {**f, "q": text}.items() if v)
        page = Paginator(found.order_by("-stars", "product__name", "id"), 24).get_page(
            request.GET.get("page")
        )
        html = render_to_string("ocop/_catalog_list.html", {"page": page, "query": query})
        return mark_safe(html)  # noqa: S308 – our template's output

    # the same for every visitor: rendered once per data version and day (core.datacache); a
    # search is searched normalised (datacache.search_text) and kept in the bounded store of
    # searches, so that visitors cannot grow the cache without bound
    if f["q"] and bounded:
        list_html = datacache.cached_search("ocop.catalog", f["q"], *key, compute=render_list)
    elif f["q"]:
        list_html = render_list(datacache.search_text(f["q"]))
    elif bounded:
        list_html = datacache.cached_public("ocop.catalog", *key, compute=render_list)
    else:
        list_html = render_list()
    communes = []
    if f["province"].isdigit():
        communes = Division.objects.filter(parent_id=f["province"], level=Level.COMMUNE).values(
            "id", "name"
        )
    return render(
        request,
        "ocop/public_catalog.html",
        {"list_html": list_html, "f": f, "communes": communes, **choices},
    )


def catalog_photo(request, pk: int):
    """The photo of a product shown in the public catalog (public on purpose); any other
    product's photo answers 404 here. Dossier files are never public."""
    cert = (
        Certificate.objects.valid_on(timezone.localdate())
        .filter(product_id=pk)
        .select_related("product")
        .first()
    )
    if cert is None or not cert.product.photo:
        raise Http404
    product = cert.product
    name = f"{product.code}{storedfiles.safe_suffix(product.photo.name)}"
    return storedfiles.send(product.photo, name, inline=True, public=True)


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
        return verify_lookup_page(request, missing=public_id)
    state, on = cert.status_on(timezone.localdate())
    context = {"cert": cert, "state": state, "on": on}
    if state == Certificate.Status.EXTENDED:  # `on` is the first day it is no longer in force
        context["extended_last"] = on - dt.timedelta(days=1)
    return render(request, "ocop/public_verify.html", context)


def verify_lookup_page(request, missing: str = ""):
    """The look-up form; an unknown id or number says plainly that no certificate was found (404)."""
    return render(
        request,
        "ocop/public_verify_lookup.html",
        {"q": request.GET.get("q", "") or missing, "missing": bool(missing)},
        status=404 if missing else 200,
    )


def verify_lookup(request):
    """/ocop/xac-minh/?q=… by certificate number, the registry's product code or the OCOP
    product code of 26/2026 (T-X-STT-năm) (the newest certificate)."""
    q = (request.GET.get("q") or "").strip()
    if not q:
        return verify_lookup_page(request)
    cert = (
        Certificate.objects.filter(
            Q(number__iexact=q)
            | Q(product__code__iexact=q)
            | Q(product__ocop_code__iexact=q)
            | Q(public_id=q)
        )
        .order_by("-issued_on", "-pk")
        .first()
    )
    if cert is None:
        return verify_lookup_page(request, missing=q)
    return redirect("ocop:verify", public_id=cert.public_id)
