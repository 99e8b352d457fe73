from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.audit.services import record_denied

from . import services
from .forms import VillageForm
from .models import Division, Level, MapVersion


@login_required
def division_list(request):
    maps = list(MapVersion.objects.all())
    map_key = request.GET.get("map") or (maps[-1].key if maps else "")
    q = request.GET.get("q", "").strip()
    provinces = (
        Division.objects.filter(map__key=map_key, level=Level.PROVINCE)
        .annotate(n_children=Count("children"))
        .order_by("code")
    )
    results = None
    if q:
        results = Paginator(
            Division.objects.filter(map__key=map_key)
            .filter(Q(name__icontains=q) | Q(code=q))
            .select_related("parent__parent")
            .order_by("level", "code"),
            50,
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "divisions/list.html",
        {
            "maps": maps,
            "map_key": map_key,
            "provinces": provinces,
            "q": q,
            "results": results,
        },
    )


@login_required
def division_detail(request, pk: int):
    unit = get_object_or_404(Division.objects.select_related("map", "parent", "current"), pk=pk)
    children = unit.children.order_by("code")
    can_edit = (
        unit.level == Level.COMMUNE and unit.is_current and Scope.of(request.user).can_edit(unit)
    )
    form = VillageForm(request.POST or None) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            record_denied(request, f"add village to {unit.code}", unit)
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_village(request.user, unit, **form.cleaned_data)
            except services.VillageError as exc:
                form.add_error(exc.field, str(exc))
            else:
                messages.success(
                    request, _("Đã thêm %(name)s.") % {"name": form.cleaned_data["name"]}
                )
                return redirect("divisions:detail", pk=unit.pk)
        status = 400
    return render(
        request,
        "divisions/detail.html",
        {
            "unit": unit,
            "children": children,
            "successors": unit.successor_links.select_related("successor__parent"),
            "predecessors": unit.predecessor_links.select_related("predecessor__parent").order_by(
                "predecessor__level", "predecessor__code"
            ),
            "old_units": Division.objects.filter(current=unit)
            .exclude(pk=unit.pk)
            .exclude(current_id=F("pk"))
            .count()
            if unit.is_current
            else 0,
            "form": form,
        },
        status=status,
    )
