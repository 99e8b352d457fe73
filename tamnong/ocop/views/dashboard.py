"""OCOP home page and notifications."""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tamnong.access.scope import Scope
from tamnong.core import datacache

from .. import services
from ..models import (
    Certificate,
    Dossier,
    Notification,
    Producer,
    Product,
    Regime,
)


def _within_notice(today: dt.date) -> Q:
    regimes = Regime.objects.all()
    return reduce(
        operator.or_,
        (Q(regime=r, expires_on__lte=today + dt.timedelta(days=r.notice_days)) for r in regimes),
        Q(pk__in=[]),
    )


@login_required
def index(request):
    today = timezone.localdate()
    certs = Certificate.objects.visible_to(request.user)

    def counts() -> dict:
        return {
            "producers": Producer.objects.visible_to(request.user).count(),
            "products": Product.objects.visible_to(request.user).count(),
            "valid": certs.valid_on(today).count(),
            # within the notice period of the regime each certificate was issued under
            "expiring": certs.valid_on(today).filter(_within_notice(today)).count(),
            "dossiers": list(
                Dossier.objects.visible_to(request.user)
                .values("state")
                .annotate(n=Count("id"))
                .order_by("state")
            ),
        }

    context = {
        # the same for everyone with these grants until the data change (core.datacache)
        **datacache.cached_for(request.user, "ocop.index", compute=counts),
        "notifications": Notification.objects.filter(user=request.user, read_at__isnull=True)[:10],
        "is_admin": Scope.of(request.user).is_admin,
        "states": dict(Dossier.State.choices),
        "notice_days": getattr(Regime.on(today), "notice_days", None),
        # 26/2026 Điều 5: rounds past a deadline with dossiers that have not reached it
        "late_rounds": services.late_rounds(request.user, today=today),
    }
    return render(request, "ocop/index.html", context)


@login_required
@require_http_methods(["POST"])
def notification_read(request, pk: int):
    Notification.objects.filter(user=request.user, pk=pk).update(read_at=timezone.now())
    return redirect("ocop:index")
