from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render

from tamnong.core import datacache
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import current_map


def home(request):
    counts = datacache.cached_public("divisions.home-counts", compute=_unit_counts)
    memberships = []
    if request.user.is_authenticated:
        memberships = request.user.memberships.select_related("division__parent")
    return render(request, "core/home.html", {"stats": counts, "memberships": memberships})


def _unit_counts() -> dict:
    cur = current_map()
    counts = dict.fromkeys(
        ["provinces", "communes", "old_provinces", "old_districts", "old_communes"], 0
    )
    if cur is not None:
        names = {
            Level.PROVINCE: "provinces",
            Level.COMMUNE: "communes",
            Level.DISTRICT: "districts",
        }
        rows = Division.objects.values_list("map_id", "level").annotate(n=Count("id")).order_by()
        for map_id, level, n in rows:
            key = ("" if map_id == cur.pk else "old_") + names.get(level, "")
            if key in counts:
                counts[key] += n
    return counts


def health(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
