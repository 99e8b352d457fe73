"""The deadlines of the 26/2026 procedure, each read from the dossier's regime with its article:
the re-evaluation window (Điều 7.6.a), the 45-day decision on a re-evaluation (Điều 7.6.g) and the
commune's check in 15 working days (Điều 7.2). A regime without the rule gives no deadline.

Periods "kể từ ngày X" start the day after X (Bộ luật Dân sự 2015 Điều 147): day N is X + N."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.core import workdays
from tamnong.core.formatting import date as vn_date

from .. import procedure
from ..models import Certificate, Dossier, Regime

DECIDED = (
    Dossier.State.RECOGNISED,
    Dossier.State.NOT_RECOGNISED,
    Dossier.State.FORWARDED_CENTRAL,
)


@dataclass(frozen=True)
class Window:
    """When a re-evaluation of a certificate may be filed: from `opens` to `closes` (both
    included), `earliest`/`latest` days before the expiry day."""

    opens: dt.date
    closes: dt.date
    expires: dt.date
    earliest: int
    latest: int
    article: str
    on: dt.date

    @property
    def early(self) -> bool:
        return self.on < self.opens

    @property
    def late(self) -> bool:
        return self.on > self.closes

    def describe(self) -> str:
        return _(
            "từ ngày %(opens)s đến ngày %(closes)s (từ %(earliest)s đến %(latest)s ngày trước "
            "ngày hết hạn %(expires)s, %(article)s)"
        ) % {
            "opens": vn_date(self.opens),
            "closes": vn_date(self.closes),
            "earliest": self.earliest,
            "latest": self.latest,
            "expires": vn_date(self.expires),
            "article": self.article,
        }


def window_rule(regime: Regime | None) -> dict | None:
    spec = procedure.rule(regime, "reevaluation")
    return (spec or {}).get("file_window_days_before_expiry") or None


def reevaluation_window(cert: Certificate, *, on: dt.date) -> Window | None:
    """The filing window of a re-evaluation of `cert` under the regime in force on `on` (the
    filing day), or None when that regime sets none."""
    spec = window_rule(Regime.on(on))
    if spec is None:
        return None
    earliest, latest = int(spec["earliest"]), int(spec["latest"])
    return Window(
        opens=cert.expires_on - dt.timedelta(days=earliest),
        closes=cert.expires_on - dt.timedelta(days=latest),
        expires=cert.expires_on,
        earliest=earliest,
        latest=latest,
        article=str(spec.get("article") or ""),
        on=on,
    )


@dataclass(frozen=True)
class Deadlines:
    window: Window | None = None
    decision_due: dt.date | None = None
    decision_article: str = ""
    decision_days_late: int = 0
    commune_due: dt.date | None = None
    commune_article: str = ""
    commune_working_days: int = 0
    commune_days_late: int = 0  # working days past the due day (0: in time or done)
    commune_done_late: bool = False

    @property
    def reevaluation_late(self) -> bool:
        return self.window is not None and self.window.late

    @property
    def decision_late(self) -> bool:
        return self.decision_days_late > 0

    @property
    def commune_late(self) -> bool:
        return self.commune_days_late > 0 or self.commune_done_late


def dossier_deadlines(dossier: Dossier, *, today: dt.date | None = None) -> Deadlines:
    today = today or timezone.localdate()
    values: dict = {}
    if dossier.kind == Dossier.Kind.RENEWAL and dossier.previous_certificate_id:
        values["window"] = reevaluation_window(
            dossier.previous_certificate, on=dossier.registered_on
        )
        spec = procedure.rule(dossier.regime, "reevaluation") or {}
        if spec.get("decided_within_days") and dossier.commune_on:
            due = dossier.commune_on + dt.timedelta(days=int(spec["decided_within_days"]))
            values["decision_due"] = due
            values["decision_article"] = str(spec.get("decided_within_article") or "")
            if dossier.state not in DECIDED and today > due:
                values["decision_days_late"] = (today - due).days
    check = procedure.rule(dossier.regime, "commune_check")
    if check and dossier.submitted_on:
        n = int(check["working_days"])
        due = workdays.add_working_days(dossier.submitted_on, n)
        values.update(commune_due=due, commune_article=str(check.get("article") or ""))
        values["commune_working_days"] = n
        if dossier.commune_on is None and dossier.state == Dossier.State.SUBMITTED and today > due:
            values["commune_days_late"] = workdays.working_days_between(due, today)
        elif dossier.commune_on is not None and dossier.commune_on > due:
            values["commune_done_late"] = True
    return Deadlines(**values)
