"""The attachment of a decision, sent after the scope check (core.storedfiles)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from tamnong.access.lookups import get_visible_or_404
from tamnong.core import storedfiles

from .models import Decision


@login_required
def attachment(request, pk: int):
    decision = get_visible_or_404(request, Decision, pk)
    return storedfiles.send(
        decision.attachment,
        storedfiles.original_name(decision.attachment, decision.attachment_name),
    )
