"""OCOP registry pages: producers and products."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.lookups import editable_units
from tamnong.core import storedfiles
from tamnong.divisions.models import Level

from .. import forms, services
from ..models import (
    Producer,
    Product,
)
from ._base import _denied, _errors, _visible


@login_required
def producer_list(request):
    qs = Producer.objects.visible_to(request.user).select_related("division")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q) | Q(registration_no=q))
    page = Paginator(qs.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "ocop/producers.html", {"page": page, "q": q})


def _editable_communes(user):
    return editable_units(user, Level.COMMUNE).select_related("parent").order_by("name")


@login_required
@_denied
def producer_new(request):
    form = forms.ProducerForm(request.POST or None, divisions=_editable_communes(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                producer = services.create_producer(request.user, **form.cleaned_data)
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(
                    request, _("Đã đăng ký chủ thể %(name)s.") % {"name": producer.name}
                )
                return redirect("ocop:producer", pk=producer.pk)
        status = 400
    return render(
        request, "ocop/form.html", {"form": form, "title": _("Đăng ký chủ thể OCOP")}, status=status
    )


@login_required
def producer_detail(request, pk: int):
    producer = _visible(request, Producer, pk, select=("division",))
    return render(
        request,
        "ocop/producer.html",
        {
            "producer": producer,
            "products": producer.products.all(),
            "can_act": services.can_act_for(request.user, producer),
            "can_edit": services.can_edit_producer(request.user, producer),
        },
    )


@login_required
@_denied
def producer_edit(request, pk: int):
    """Correct a producer's record (officers of its commune)."""
    producer = _visible(request, Producer, pk, select=("division",))
    if not services.can_edit_producer(request.user, producer):
        raise PermissionDenied
    form = forms.ProducerForm(
        request.POST or None,
        initial=model_to_dict(producer, fields=services.PRODUCER_FIELDS),
        divisions=_editable_communes(request.user),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_producer(request.user, producer, **form.cleaned_data)
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(
                    request, _("Đã lưu thông tin chủ thể %(name)s.") % {"name": producer}
                )
                return redirect("ocop:producer", pk=producer.pk)
        status = 400
    title = _("Sửa thông tin chủ thể %(name)s") % {"name": producer}
    return render(request, "ocop/form.html", {"form": form, "title": title}, status=status)


@login_required
@_denied
def product_new(request, producer_pk: int):
    producer = _visible(request, Producer, producer_pk)
    services.require_producer_access(request.user, producer)
    form = forms.ProductForm(request.POST or None, sets=services.product_sets())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product = services.create_product(request.user, producer, **form.cleaned_data)
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(request, _("Đã thêm sản phẩm %(name)s.") % {"name": product.name})
                return redirect("ocop:product", pk=product.pk)
        status = 400
    title = _("Thêm sản phẩm của %(p)s") % {"p": producer}
    return render(request, "ocop/form.html", {"form": form, "title": title}, status=status)


@login_required
def product_list(request):
    qs = Product.objects.visible_to(request.user).select_related("producer", "division")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q) | Q(producer__name__icontains=q))
    page = Paginator(qs.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "ocop/products.html", {"page": page, "q": q})


@login_required
def product_photo(request, pk: int):
    """The product's photo for those who may see the product (the catalog's: public.py)."""
    product = _visible(request, Product, pk)
    name = f"{product.code}{storedfiles.safe_suffix(product.photo.name)}"
    return storedfiles.send(product.photo, name, inline=True)


def _added(request, product, form, add, said: str):
    """One of the product page's small forms (a channel, a fair): when valid, added, said (with
    its name) and back to the page; else None (the page again, with the form's errors)."""
    if not form.is_valid():
        return None
    add(request.user, product, **form.cleaned_data)
    messages.success(request, said % {"name": form.cleaned_data["name"]})
    return redirect("ocop:product", pk=product.pk)


@login_required
@_denied
def product_detail(request, pk: int):
    product = _visible(request, Product, pk, select=("producer", "division"))
    can_act = services.can_act_for(request.user, product.producer)
    # Three forms on one page: their fields' ids are prefixed so that none repeats ("name").
    ids = {"channel": "channel-%s", "fair": "fair-%s", "open": "open-%s"}
    channel_form, fair_form, open_form = (
        forms.ChannelForm(auto_id=ids["channel"]),
        forms.FairForm(auto_id=ids["fair"]),
        forms.OpenDossierForm(auto_id=ids["open"]),
    )
    errors, status = [], 200
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "channel":
                channel_form = forms.ChannelForm(request.POST, auto_id=ids["channel"])
                said = _("Đã thêm kênh phân phối %(name)s.")
                if done := _added(request, product, channel_form, services.add_channel, said):
                    return done
            elif action == "fair":
                fair_form = forms.FairForm(request.POST, auto_id=ids["fair"])
                said = _("Đã thêm hội chợ, triển lãm %(name)s.")
                if done := _added(request, product, fair_form, services.add_fair, said):
                    return done
            elif action == "open":
                open_form = forms.OpenDossierForm(request.POST, auto_id=ids["open"])
                if open_form.is_valid():
                    dossier = services.open_dossier(
                        request.user, product, kind=open_form.cleaned_data["kind"]
                    )
                    messages.success(
                        request,
                        _("Đã lập hồ sơ đánh giá cho sản phẩm %(name)s.") % {"name": product.name},
                    )
                    return redirect("ocop:dossier", pk=dossier.pk)
        except ValidationError as exc:
            errors = _errors(exc)
        status = 400
    return render(
        request,
        "ocop/product.html",
        {
            "product": product,
            "can_act": can_act,
            "channels": product.channels.all(),
            "fairs": product.fairs.all(),
            "certificates": product.certificates.select_related("decision").order_by("-issued_on"),
            "dossiers": product.dossiers.all(),
            "channel_form": channel_form,
            "fair_form": fair_form,
            "open_form": open_form,
            "errors": errors,
            "today": timezone.localdate(),
        },
        status=status,
    )
