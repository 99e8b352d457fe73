"""OCOP figures as of any date for any division (số liệu OCOP): the page, the JSON API and
`tamnong report ocop` all call `figures`.

A current division covers its communes and the old (pre-2025) units that resolve into it
(`Division.path`). An old division (e.g. a former district) covers its old units and the current
communes that are counted under it when the report is "as of" the old map (`as_of_map`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.access.actors import require_actor
from tamnong.access.lookups import default_division
from tamnong.access.scope import Scope
from tamnong.divisions.models import Division
from tamnong.divisions.services import UnknownMap, find_unit, within_q

from . import rules
from .models import (
    Certificate,
    Channel,
    Dossier,
    Producer,
    ProducerKind,
    Regime,
    certificate_status,
)


def find_division(code: str, map_key: str | None = None) -> Division | None:
    """A division by code (the rule of every programme, `divisions.services.find_unit`: today's
    unit, else the newest with that code; `map_key` for the unit of that map) or by id prefixed
    with '#'."""
    code = (code or "").strip()
    if code.startswith("#") and code[1:].isdigit():
        return Division.objects.filter(pk=int(code[1:])).select_related("map").first()
    return find_unit(code, map_key=map_key) if code else None


def parse_params(
    user,
    division: str | None,
    date: str | None,
    since: str | None = None,
    map_key: str | None = None,
) -> dict:
    """The unit, day and period start of the figures asked for by `user` (the command line:
    `SYSTEM`)."""
    require_actor(user)
    on = timezone.localdate()
    if date:
        try:
            on = dt.date.fromisoformat(date)
        except ValueError:
            raise ValidationError(
                {"date": [_("Ngày không hợp lệ (định dạng YYYY-MM-DD).")]}
            ) from None
    extra = {}
    if since:
        try:
            extra["since"] = dt.date.fromisoformat(since)
        except ValueError:
            raise ValidationError(
                {"since": [_("Ngày đầu kỳ không hợp lệ (định dạng YYYY-MM-DD).")]}
            ) from None
        if extra["since"] > on:
            raise ValidationError({"since": [_("Ngày đầu kỳ phải trước ngày cuối kỳ.")]})
    if division:
        try:
            unit = find_division(division, map_key or None)
        except UnknownMap as exc:
            raise ValidationError({"map": [str(exc)]}) from None
        if unit is None:
            raise ValidationError(
                {
                    "division": [
                        _("Không có đơn vị hành chính mã %(division)s.") % {"division": division}
                    ]
                }
            )
    else:
        unit = default_division(user)
        if unit is None:
            raise ValidationError({"division": [_("Cần chọn đơn vị hành chính (mã).")]})
    if not Scope.of(user).covers(unit):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi của bạn."))
    return {"division": unit, "on": on, **extra}


class CertRow(NamedTuple):
    pk: int
    product_id: int
    producer_id: int
    producer_kind: str
    stars: int
    issued_on: dt.date
    expires_on: dt.date
    supersedes_id: int | None
    revoked_on: dt.date | None
    replaced_on: dt.date | None
    regime_id: int
    extended_until: dt.date | None

    def status_on(self, day: dt.date) -> tuple[str, dt.date | None]:
        return certificate_status(
            day,
            self.issued_on,
            self.expires_on,
            self.revoked_on,
            self.replaced_on,
            self.extended_until,
        )


IN_FORCE = Certificate.IN_FORCE


def _stars(counter: Counter) -> dict:
    return {"total": sum(counter.values()), "by_stars": dict(sorted(counter.items()))}


def by_regime(certs: list[CertRow], first_issue: dict, evaluated: list, since, on) -> list[dict]:
    """Results of the period under the regime each was judged by (a certificate's or a dossier's
    own regime, never the regime of the report's date): one row per regime in force during the
    period or with a result in it, oldest first."""
    regimes = {
        r.pk: r
        for r in Regime.objects.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=since)
        )
    }
    new: dict[int, Counter] = defaultdict(Counter)
    renewed: dict[int, Counter] = defaultdict(Counter)
    for c in certs:
        if since <= c.issued_on <= on:
            first = first_issue[c.product_id] == c.issued_on and not c.supersedes_id
            (new if first else renewed)[c.regime_id][str(c.stars)] += 1
    states: dict[int, Counter] = defaultdict(Counter)
    for regime_id, state in evaluated:
        states[regime_id][str(state)] += 1
    used = set(new) | set(renewed) | set(states)
    missing = used - set(regimes)
    regimes.update({r.pk: r for r in Regime.objects.filter(pk__in=missing)})
    rows = []
    for r in sorted(regimes.values(), key=lambda r: r.valid_from):
        rows.append(
            {
                "key": r.key,
                "name": r.name,
                "decisions": r.short_name,
                "valid_from": r.valid_from.isoformat(),
                "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                "newly_certified": _stars(new[r.pk]),
                "recertified": _stars(renewed[r.pk]),
                "evaluated_in_period": dict(sorted(states[r.pk].items())),
            }
        )
    return rows


def figures(user, *, division: Division, on: dt.date, since: dt.date | None = None) -> dict:
    since = since or dt.date(on.year, 1, 1)
    where = within_q(division, "division")
    # Plain rows, not model objects: a province has thousands of certificates.
    certs = [
        CertRow(*row)
        for row in Certificate.objects.filter(where, issued_on__lte=on).values_list(
            "pk",
            "product_id",
            "producer_id",
            "producer__kind",
            "stars",
            "issued_on",
            "expires_on",
            "supersedes_id",
            "revocation__revoked_on",
            "superseded_by__issued_on",
            "regime_id",
            "extension__until",
        )
    ]
    by_state: Counter = Counter()
    valid_by_stars: Counter = Counter()
    valid_products: dict[int, CertRow] = {}
    latest: dict[int, CertRow] = {}
    state_of: dict[int, str] = {}
    for c in certs:
        state, _day = c.status_on(on)
        state_of[c.pk] = state
        by_state[state] += 1
        if state in IN_FORCE:  # valid, or in its extension (Điều 12.3 QĐ 26/2026)
            valid_products[c.product_id] = c
        prev = latest.get(c.product_id)
        if prev is None or (c.issued_on, c.pk) > (prev.issued_on, prev.pk):
            latest[c.product_id] = c
    for c in valid_products.values():
        valid_by_stars[str(c.stars)] += 1
    products_by_state: Counter = Counter()
    for c in latest.values():
        state = state_of[c.pk]
        products_by_state[str(state)] += 1

    new: Counter = Counter()
    renewed: Counter = Counter()
    first_issue: dict[int, dt.date] = {}
    for c in sorted(certs, key=lambda x: x.issued_on):
        first_issue.setdefault(c.product_id, c.issued_on)
    for c in certs:
        if since <= c.issued_on <= on:
            (new if first_issue[c.product_id] == c.issued_on and not c.supersedes_id else renewed)[
                str(c.stars)
            ] += 1

    producers_total_by_kind: Counter = Counter()
    seen_producers = set()
    for c in valid_products.values():
        if c.producer_id not in seen_producers:
            seen_producers.add(c.producer_id)
            producers_total_by_kind[c.producer_kind] += 1
    n_producers = sum(producers_total_by_kind.values())
    targets = rules.producer_type_targets()
    producers = []
    for kind, label in ProducerKind.choices:
        n = producers_total_by_kind.get(kind, 0)
        share = round(100 * n / n_producers, 2) if n_producers else None
        target = targets.get(kind)
        producers.append(
            {
                "kind": kind,
                "label": str(label),
                "producers": n,
                "share_percent": share,
                "target_percent": target,
                "meets_target": None if target is None or share is None else share >= target,
            }
        )

    # the channels of the unit's products (a join, not a list of thousands of ids), kept for
    # the products with a valid certificate
    channels = (
        Channel.objects.filter(within_q(division, "product__division"))
        .filter(Q(since__isnull=True) | Q(since__lte=on))
        .filter(Q(until__isnull=True) | Q(until__gte=on))
    )
    by_channel = defaultdict(set)
    countries: Counter = Counter()
    for product_id, kind, country in channels.values_list("product_id", "kind", "country"):
        if product_id not in valid_products:
            continue
        by_channel[kind].add(product_id)
        if kind == Channel.Kind.EXPORT and country:
            countries[country] += 1

    evaluated_rows = list(
        Dossier.objects.filter(within_q(division, "product__division"))
        .filter(evaluated_on__gte=since, evaluated_on__lte=on)
        .values_list("regime_id", "state")
    )
    evaluated = Counter(state for _regime, state in evaluated_rows)
    regimes = by_regime(certs, first_issue, evaluated_rows, since, on)
    return {
        "division": {
            "id": division.pk,
            "code": division.code,
            "name": division.name,
            "level": division.level,
            "map": division.map.key,
        },
        "date": on.isoformat(),
        "period": {"from": since.isoformat(), "to": on.isoformat()},
        "valid_products": {
            "total": len(valid_products),
            "by_stars": {s: valid_by_stars.get(s, 0) for s in Regime.star_ranks()},
            # of which in force only by a late re-evaluation's extension ("còn hiệu lực (gia hạn)")
            "extended": sum(
                1 for c in valid_products.values() if state_of[c.pk] == Certificate.Status.EXTENDED
            ),
        },
        "products_by_certificate_state": {
            k: products_by_state.get(k, 0)
            for k in ("valid", "extended", "expired", "revoked", "superseded")
        },
        "certificates_by_state": {
            str(s): by_state.get(s, 0)
            for s in (
                Certificate.Status.VALID,
                Certificate.Status.EXTENDED,
                Certificate.Status.EXPIRED,
                Certificate.Status.REVOKED,
                Certificate.Status.SUPERSEDED,
            )
        },
        "newly_certified": {"total": sum(new.values()), "by_stars": dict(sorted(new.items()))},
        "recertified": {"total": sum(renewed.values()), "by_stars": dict(sorted(renewed.items()))},
        "evaluated_in_period": {str(k): v for k, v in sorted(evaluated.items())},
        # Each result under its own regime; `split_by_regime` when the period spans two or more.
        "by_regime": regimes,
        "split_by_regime": len(regimes) > 1,
        "producers": {
            "with_valid_products": n_producers,
            "registered": Producer.objects.filter(where).count(),
            "by_kind": producers,
        },
        "markets": {
            "supermarket": len(by_channel[Channel.Kind.SUPERMARKET]),
            "ecommerce": len(by_channel[Channel.Kind.ECOMMERCE]),
            "export": len(by_channel[Channel.Kind.EXPORT]),
            "export_countries": dict(countries.most_common()),
        },
    }


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu OCOP"
    bold = Font(bold=True)
    ws.append(
        [
            _("Số liệu OCOP – %(name)s (%(code)s)")
            % {"name": data["division"]["name"], "code": data["division"]["code"]}
        ]
    )
    ws["A1"].font = bold
    ws.append(
        [
            _("Tính đến ngày"),
            data["date"],
            _("Kỳ"),
            f"{data['period']['from']} – {data['period']['to']}",
        ]
    )
    ws.append([])

    def section(title: str, rows: list[tuple]) -> None:
        ws.append([title])
        ws.cell(ws.max_row, 1).font = bold
        for row in rows:
            ws.append(list(row))
        ws.append([])

    v = data["valid_products"]
    section(
        "Sản phẩm có giấy chứng nhận còn hiệu lực",
        [("Tổng", v["total"])] + [(f"{s} sao", n) for s, n in v["by_stars"].items()],
    )
    section(
        "Sản phẩm theo tình trạng giấy chứng nhận",
        list(data["products_by_certificate_state"].items()),
    )
    section("Giấy chứng nhận theo tình trạng", list(data["certificates_by_state"].items()))
    section(
        "Công nhận mới trong kỳ",
        [("Tổng", data["newly_certified"]["total"])]
        + [(f"{s} sao", n) for s, n in data["newly_certified"]["by_stars"].items()],
    )
    section(
        "Công nhận lại trong kỳ",
        [("Tổng", data["recertified"]["total"])]
        + [(f"{s} sao", n) for s, n in data["recertified"]["by_stars"].items()],
    )
    section(
        "Chủ thể có sản phẩm còn hiệu lực theo loại hình (tỷ lệ %, mục tiêu %)",
        [
            (p["label"], p["producers"], p["share_percent"], p["target_percent"])
            for p in data["producers"]["by_kind"]
        ],
    )
    if data.get("split_by_regime"):
        rows = []
        for r in data["by_regime"]:
            rows.append((f"{r['decisions']} ({r['key']})",))
            rows.append((_("Công nhận mới"), r["newly_certified"]["total"]))
            rows += [(f"  {s} sao", n) for s, n in r["newly_certified"]["by_stars"].items()]
            rows.append((_("Công nhận lại"), r["recertified"]["total"]))
            rows += [(f"  {s} sao", n) for s, n in r["recertified"]["by_stars"].items()]
        section("Kết quả trong kỳ theo chế độ đánh giá", rows)
    m = data["markets"]
    section(
        "Thị trường",
        [
            ("Siêu thị", m["supermarket"]),
            ("Thương mại điện tử", m["ecommerce"]),
            ("Xuất khẩu", m["export"]),
        ]
        + [(f"Xuất khẩu: {k}", n) for k, n in m["export_countries"].items()],
    )
    ws.column_dimensions["A"].width = 60
    buf = io.BytesIO()
    from tamnong.tabular import inert_formulas

    inert_formulas(wb)  # names from imported files stay text
    wb.save(buf)
    return buf.getvalue()
