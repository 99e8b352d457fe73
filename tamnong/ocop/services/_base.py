"""Steps shared by the OCOP services: field errors, workflow moves, role sets and upload limits."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError

from tamnong.audit.services import record_transition
from tamnong.core.signals import figures_changed
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import resolve

from ..models import (
    Certificate,
    Dossier,
)

log = logging.getLogger(__name__)

FILE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx"}
MAX_FILE_BYTES = 10 * 1024 * 1024


def fail(field: str, message: str):
    raise ValidationError({field: [message]})


def _move(dossier: Dossier, to: str, note: str = "", fields: tuple[str, ...] = ()) -> None:
    before = dossier.state
    dossier.state = to
    dossier.save(update_fields=["state", *fields])
    record_transition(dossier, before, to, note)


def _commune_of(division: Division) -> Division | None:
    return resolve(division, Level.COMMUNE)


def _changed(division: Division, day: dt.date) -> None:
    commune = _commune_of(division)
    if commune is not None:
        figures_changed.send(sender=Certificate, source="ocop", division=commune, year=day.year)
