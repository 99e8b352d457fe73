"""Which regime judges a dossier, and the passage from one regime to the next, read from the
newer regime's `transition` (data/ocop/26-2026/regime.yaml, Điều 11-12 QĐ 26/2026).

- A dossier is judged under the regime in force on its filing date (`registered_on`, the date of
  its registration form); `open_dossier` pins it.
- A dossier filed under a replaced regime and not yet finished must be finished within the period
  of `pending_dossiers.finish_within_days` (by kind) counted from the new regime's entry into force
  (Bộ luật Dân sự Điều 147: from the day after). Past it the dossier lapses (`after_last_day`).
- A re-evaluation filed late (later than the window of `reevaluation.file_window_days_before_expiry`
  before expiry) keeps the previous certificate in force until its result, at most
  `late_reevaluation.at_most_days_after_expiry` days after the expiry date (an `Extension`).

Days: the expiry date of a certificate is the last day printed on it, `expires_on - 1` (`expires_on`
is the first day it is no longer valid, see README.md).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .models import Certificate, Dossier, Extension, Regime

KIND_KEYS = {
    Dossier.Kind.NEW: "first",
    Dossier.Kind.UPGRADE: "upgrade",
    Dossier.Kind.RENEWAL: "reevaluation",
}
# States in which a dossier is finished: nothing is left to do under its regime.
FINISHED = (Dossier.State.RECOGNISED, Dossier.State.NOT_RECOGNISED, Dossier.State.LAPSED)


def regime_for_filing(day: dt.date) -> Regime | None:
    """The regime a dossier filed on `day` is judged under."""
    return Regime.on(day)


def successor(regime: Regime) -> tuple[Regime, dict] | None:
    """The regime whose transition continues `regime`'s pending dossiers, with that transition."""
    for later in Regime.objects.filter(valid_from__gt=regime.valid_from).order_by("valid_from"):
        transition = later.rules.get("transition") or {}
        if (transition.get("pending_dossiers") or {}).get("regime") == regime.key:
            return later, transition
    return None


def finish_by(dossier: Dossier) -> dt.date | None:
    """The last day a dossier filed under a replaced regime may be finished (Điều 12.2), or None
    when no such limit applies (its regime is in force, or an import)."""
    found = successor(dossier.regime)
    if found is None:
        return None
    _later, transition = found
    pending = transition["pending_dossiers"]
    if dossier.registered_on >= dt.date.fromisoformat(str(pending["filed_before"])):
        return None
    days = pending["finish_within_days"].get(KIND_KEYS.get(dossier.kind, ""))
    if days is None:
        return None
    # "không quá N ngày, kể từ ngày Quyết định này có hiệu lực": day 1 is the day after.
    return dt.date.fromisoformat(str(transition["in_force"])) + dt.timedelta(days=int(days))


def past_deadline(dossier: Dossier, day: dt.date) -> bool:
    last = finish_by(dossier)
    return last is not None and day > last


def deadline_message(dossier: Dossier) -> str:
    later, transition = successor(dossier.regime)
    return _(
        "Hồ sơ nộp theo %(old)s phải hoàn thành đánh giá, phân hạng chậm nhất ngày %(last)s "
        "(%(article)s); quá thời hạn này hồ sơ không được hoàn thành theo quy định cũ, cần nộp lại "
        "theo %(new)s."
    ) % {
        "old": dossier.regime.short_name,
        "last": finish_by(dossier).strftime("%d/%m/%Y"),
        "article": transition["pending_dossiers"].get("article", transition.get("article", "")),
        "new": later.short_name,
    }


def lapse_overdue(day: dt.date, dossiers=None) -> list[Dossier]:
    """Mark every unfinished dossier past its transition deadline on `day` as lapsed (the daily
    job, and `open_dossier` for the product being filed again)."""
    from .services._base import _move

    qs = Dossier.objects.exclude(state__in=FINISHED).exclude(kind=Dossier.Kind.IMPORTED)
    if dossiers is not None:
        qs = qs.filter(pk__in=[d.pk for d in dossiers])
    replaced = [r for r in Regime.objects.filter(valid_to__lt=day) if successor(r)]
    lapsed = []
    for d in qs.filter(regime__in=replaced).select_related("regime"):
        if past_deadline(d, day):
            _move(d, Dossier.State.LAPSED, deadline_message(d)[:500])
            end_extension(d, day)
            lapsed.append(d)
    return lapsed


# -- late re-evaluation (Điều 12.3) -----------------------------------------------------------------
def last_valid_day(certificate: Certificate) -> dt.date:
    return certificate.expires_on - dt.timedelta(days=1)


def is_late(regime: Regime, certificate: Certificate, filed_on: dt.date) -> bool:
    """Filed later than the window's latest day before expiry, while still valid."""
    window = (regime.rules.get("reevaluation") or {}).get("file_window_days_before_expiry")
    if not window:
        return False
    latest = last_valid_day(certificate) - dt.timedelta(days=int(window["latest"]))
    return latest < filed_on < certificate.expires_on


def extend_for(dossier: Dossier) -> Extension | None:
    """A late re-evaluation keeps its certificate in force past expiry (Điều 12.3)."""
    cert = dossier.previous_certificate
    rule = ((dossier.regime.rules.get("transition") or {}).get("late_reevaluation")) or {}
    if dossier.kind != Dossier.Kind.RENEWAL or cert is None or not rule:
        return None
    if not is_late(dossier.regime, cert, dossier.registered_on):
        return None
    if Extension.objects.filter(certificate=cert).exists():
        return None
    # Day N after the expiry date is in force; the next day is not.
    until = last_valid_day(cert) + dt.timedelta(days=int(rule["at_most_days_after_expiry"]) + 1)
    return Extension.objects.create(
        certificate=cert, dossier=dossier, until=until, article=rule.get("article", "")[:60]
    )


def end_extension(dossier: Dossier, day: dt.date) -> None:
    """The re-evaluation has its result (or will not have one): the extension ends that day."""
    Extension.objects.filter(dossier=dossier, until__gt=day).update(until=day)
