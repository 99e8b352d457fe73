from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tamnong.access.scope import Scope
from tamnong.audit.services import record_denied

from . import changes, services
from .forms import ChangeUploadForm, VillageForm
from .models import Division, Level, Lineage, MapChangeUpload, MapVersion


@login_required
def division_list(request):
    maps = list(MapVersion.objects.all())
    current = services.current_map()
    map_key = request.GET.get("map") or (current.key if current else "")
    selected = next((m for m in maps if m.key == map_key), None)
    q = request.GET.get("q", "").strip()
    # A current province counts the units in force below it (not the ones a change replaced).
    provinces = (
        Division.objects.filter(map__key=map_key, level=Level.PROVINCE)
        .annotate(
            n_children=Count(
                "children",
                filter=Q(children__current_id=F("children__id")) | ~Q(current_id=F("id")),
            )
        )
        .order_by("code")
    )
    changed = (
        Lineage.objects.filter(successor__map=selected)
        .select_related("predecessor", "successor__parent")
        .order_by("successor__code")
        if selected is not None and selected.base_id
        else None
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
            "changed": changed,
            "q": q,
            "results": results,
            "is_admin": changes_admin(request.user),
        },
    )


@login_required
def division_detail(request, pk: int):
    unit = get_object_or_404(Division.objects.select_related("map", "parent", "current"), pk=pk)
    children = unit.children.order_by("code")
    if unit.is_current:  # the units in force below it, not those a change replaced
        children = children.filter(current_id=F("pk"))
    # villages are added below a commune of either map (an old one's get a successor)
    can_edit = unit.level == Level.COMMUNE and Scope.of(request.user).can_edit(unit)
    form = VillageForm(request.POST or None) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            record_denied(request, f"add village to {unit.code}", unit)
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            successor_code = data.pop("successor_code", "")
            try:
                if successor_code:
                    data["successor"] = _successor_village(unit, successor_code)
                services.add_village(request.user, unit, **data)
            except services.VillageError as exc:
                form.add_error(
                    "successor_code" if exc.field == "successor" else exc.field, str(exc)
                )
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


def _successor_village(unit: Division, code: str) -> Division:
    """The village with this code below the commune an old commune became (or its current one)."""
    link = unit.successor_links.filter(primary=True).select_related("successor").first()
    parents = {link.successor_id, link.successor.current_id} if link else set()
    found = Division.objects.filter(level=Level.VILLAGE, code=code, parent_id__in=parents).first()
    if found is None:
        raise services.VillageError(
            "successor", _("Không có thôn mã %(c)s ở xã kế thừa.") % {"c": code}
        )
    return found


def changes_admin(user) -> bool:
    try:
        changes._require_admin(user)
    except PermissionDenied:
        return False
    return True


@login_required
def change_list(request):
    """Changes of units loaded on top of the map, and the administrator's upload."""
    admin = changes_admin(request.user)
    form = ChangeUploadForm(request.POST or None, request.FILES or None) if admin else None
    if request.method == "POST":
        if not admin:
            record_denied(request, "upload a change of administrative units")
            raise PermissionDenied
        if form.is_valid():
            f = form.cleaned_data["file"]
            upload = changes.preview_upload(request.user, f.name, f.read())
            return redirect("divisions:change_upload", pk=upload.pk)
    versions = (
        MapVersion.objects.filter(base__isnull=False)
        .select_related("base")
        .annotate(n_units=Count("divisions"))
        .order_by("-valid_from", "-pk")
    )
    return render(
        request,
        "divisions/changes.html",
        {
            "versions": versions,
            "form": form,
            "uploads": MapChangeUpload.objects.select_related("result")[:10] if admin else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def change_upload(request, pk: int):
    """The preview of an uploaded change file; applied only when the administrator confirms."""
    if not changes_admin(request.user):
        record_denied(request, f"change upload {pk}")
        raise PermissionDenied
    upload = get_object_or_404(MapChangeUpload, pk=pk)
    errors, status = [], 200
    if request.method == "POST":
        if (
            request.POST.get("action") == "discard"
            and upload.status == MapChangeUpload.Status.PENDING
        ):
            upload.status = MapChangeUpload.Status.DISCARDED
            upload.save(update_fields=["status"])
            return redirect("divisions:changes")
        try:
            mv = changes.apply_upload(request.user, upload)
        except changes.ChangeError as exc:
            errors, status = exc.errors, 400
        else:
            messages.success(request, _("Đã áp dụng thay đổi «%(name)s».") % {"name": mv.name})
            return redirect(f"{reverse('divisions:list')}?map={mv.key}")
    return render(
        request,
        "divisions/change_upload.html",
        {"upload": upload, "errors": errors},
        status=status,
    )
