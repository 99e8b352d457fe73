"""NTM figures (số liệu tổng hợp) for a division and a year: xã by criteria-met band, the average
number of criteria per xã and its change, the recognition levels held at year end (results.py:
shares over the xã of the unit on 31/12, nested levels from the levels data, districts, towns,
villages), plan against result in both readings, the criteria each commune still misses, and
the sentences of a year-end report (sentences.py).

The assessment part is two grouped queries over the summary rows, limited to xã (phường and
thị trấn are not NTM units; their assessments are counted apart). Old (pre-07/2025) communes
count under their current successor through `Division.path`, so a province's 2023 figures
include the old communes now inside it; `as of` an old-map unit groups by the old map.
"""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from tamnong.access.actors import require_actor
from tamnong.access.scope import Scope
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import within_q

from . import results as recognition
from . import sentences
from .levels import levels
from .models import Assessment, CommuneStatus, CriteriaSet, Criterion, SetKind

TWO = Decimal("0.01")


def xa_kinds(*years: int) -> set[str]:
    """The unit kinds of the commune scale in these years (levels data: xã)."""
    data = levels()
    out = set()
    for year in years:
        scale = data.period(year).scales.get("commune")
        out |= set(scale.kinds) if scale else set()
    return out


def _avg(total: int, n: int) -> Decimal | None:
    return (Decimal(total) / Decimal(n)).quantize(TWO, rounding=ROUND_HALF_UP) if n else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def scope_filter(division: Division) -> tuple[Q, int, str]:
    """Which assessments count under `division` (with lineage, on either map: the shared rule
    `divisions.services.within_q`), how many communes it has on its own map, and the map key."""
    communes = Division.objects.filter(level=Level.COMMUNE, map_id=division.map_id).filter(
        within_q(division, "")
    )
    return within_q(division, "division"), communes.count(), division.map.key


def figures(actor, division: Division, year: int, *, recognised: dict | None = None) -> dict:
    """The figures page, API and report share this; the command line acts as `SYSTEM`.
    `recognised`: `results.results(division, year)` when the caller has it already (the summary
    report reads every year of its period at once)."""
    if not Scope.of(require_actor(actor)).covers(division):
        raise PermissionDenied(_("Đơn vị ngoài phạm vi của bạn."))
    where, communes_total, map_key = scope_filter(division)
    every = Assessment.objects.filter(where, division__level=Level.COMMUNE)
    base = every.filter(division__kind__in=xa_kinds(year - 1, year))

    grouped = list(
        base.filter(year__in=[year - 1, year])
        .values("year", "set_key", "band")
        .annotate(n=Count("id"), met=Sum("criteria_met"))
        .order_by()
    )
    if recognised is None:
        recognised = recognition.results(division, year)
    statuses = recognised["status_counts"]
    keys = {row["set_key"] for row in grouped}
    sets = {}
    for cs in CriteriaSet.objects.filter(key__in=keys).order_by("key", "-version"):
        sets.setdefault(cs.key, cs)

    kind_order = list(SetKind.values)
    out_sets = []
    for key in sorted(
        {r["set_key"] for r in grouped if r["year"] == year},
        key=lambda k: (kind_order.index(sets[k].kind), k),
    ):
        cs = sets[key]
        rows = [r for r in grouped if r["set_key"] == key and r["year"] == year]
        prev = [r for r in grouped if r["set_key"] == key and r["year"] == year - 1]
        n, total = sum(r["n"] for r in rows), sum(r["met"] or 0 for r in rows)
        pn, ptotal = sum(r["n"] for r in prev), sum(r["met"] or 0 for r in prev)
        avg, pavg = _avg(total, n), _avg(ptotal, pn)
        counts = {r["band"]: r["n"] for r in rows}
        out_sets.append(
            {
                "key": key,
                "title": cs.title,
                "kind": cs.kind,
                "synthetic": cs.synthetic,
                "criteria_total": len(cs.payload.get("criteria", [])),
                "assessed": n,
                "bands": [
                    {"code": b["code"], "label": b["label"], "count": counts.get(b["code"], 0)}
                    for b in cs.bands
                ],
                "average": _text(avg),
                "previous_average": _text(pavg),
                "change": _text(avg - pavg) if avg is not None and pavg is not None else None,
                "change_note": ""
                if pavg is not None
                else _("Năm trước không có đánh giá theo bộ tiêu chí này."),
            }
        )
    main = next((s for s in out_sets if s["kind"] == SetKind.COMMUNE_NTM), None)
    status_rows = [
        {"code": code, "label": str(label), "count": statuses.get(code, 0)}
        for code, label in CommuneStatus.choices
    ]
    plan = recognition.plan(division, year, recognised, main["average"] if main else None)
    data = {
        "division": {
            "id": division.pk,
            "code": division.code,
            "name": division.name,
            "map": map_key,
        },
        "year": year,
        "communes_total": communes_total,
        "assessed": sum(s["assessed"] for s in out_sets if s["kind"] == SetKind.COMMUNE_NTM),
        # assessments of phường, thị trấn, đặc khu (not NTM units): counted apart
        "assessed_other_units": every.filter(year=year)
        .exclude(division__kind__in=xa_kinds(year))
        .count(),
        "sets": out_sets,
        "statuses": status_rows,
        "plan": plan,
        "communes": commune_rows(every.filter(year=year)),
        **recognised,
    }
    data["sentences"] = [sentences.text(p) for p in sentences.paragraphs(data)]
    return data


def commune_rows(qs) -> list[dict]:
    rows = list(
        qs.order_by("commune__code", "division__code", "set_key").values(
            "id",
            "set_key",
            "criteria_set_id",
            "criteria_set__title",
            "criteria_met",
            "criteria_total",
            "band",
            "status",
            "missing",
            "division__code",
            "division__name",
            "division__map_id",
            "commune__code",
            "commune__name",
            "commune__map_id",
        )
    )
    names = {
        (set_id, number): name
        for set_id, number, name in Criterion.objects.filter(
            criteria_set_id__in={r["criteria_set_id"] for r in rows}
        ).values_list("criteria_set_id", "number", "name")
    }
    labels = dict(CommuneStatus.choices)
    return [
        {
            "assessment_id": r["id"],
            "code": r["division__code"],
            "name": r["division__name"],
            "current_code": r["commune__code"],
            "current_name": r["commune__name"],
            "old_map": r["division__map_id"] != r["commune__map_id"],
            "set_key": r["set_key"],
            "set_title": r["criteria_set__title"],
            "criteria_met": r["criteria_met"],
            "criteria_total": r["criteria_total"],
            "band": r["band"],
            "status": r["status"],
            "status_label": str(labels.get(r["status"], r["status"])),
            "missing": [
                {"no": n, "name": names.get((r["criteria_set_id"], n), "")} for n in r["missing"]
            ],
        }
        for r in rows
    ]


def figures_xlsx(data: dict) -> bytes:
    """The same figures as an Excel workbook (summary sheet and one row per commune)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    bold = Font(bold=True)
    ws.append([_("Số liệu nông thôn mới"), data["division"]["name"], data["year"]])
    ws.append([_("Số xã/phường của đơn vị"), data["communes_total"]])
    ws.append([_("Số xã tại ngày %(d)s") % {"d": data["date"]}, data["denominator"]["total"]])
    ws.append([_("Số xã đã đánh giá (bộ tiêu chí xã NTM)"), data["assessed"]])
    for s in data["sets"]:
        ws.append([])
        ws.append([s["title"] + (" – " + _("DỮ LIỆU MINH HỌA") if s["synthetic"] else "")])
        ws.cell(ws.max_row, 1).font = bold
        for band in s["bands"]:
            ws.append([band["label"], band["count"]])
        ws.append([_("Bình quân số tiêu chí/xã"), _num(s["average"])])
        ws.append([_("Bình quân năm trước"), _num(s["previous_average"])])
        ws.append([_("Tăng/giảm so với năm trước"), _num(s["change"])])
    ws.append([])
    ws.append([_("Theo mức công nhận")])
    ws.cell(ws.max_row, 1).font = bold
    for row in data["statuses"]:
        ws.append([row["label"], row["count"]])
    ws.append([])
    ws.append([_("Mức công nhận đến cuối năm"), _("Số đơn vị"), _("Tỷ lệ (%)"), _("Trong năm")])
    ws.cell(ws.max_row, 1).font = bold
    for scale in data["levels"]:
        for row in scale["rows"]:
            ws.append([row["label"], row["count"], _num(row["share"]), row["reached"]])
    if data["plan"]:
        ws.append([])
        ws.append([_("Kế hoạch"), _("Cách tính"), _("Kế hoạch"), _("Thực hiện")])
        ws.cell(ws.max_row, 1).font = bold
        for row in data["plan"]:
            ws.append([row["label"], row["reading_label"], _num(row["plan"]), _num(row["result"])])
    ws.append([])
    for sentence in data["sentences"]:
        ws.append([sentence])
    sheet = wb.create_sheet("Xã")
    sheet.append(
        [
            _("Mã"),
            _("Xã"),
            _("Đơn vị hiện hành"),
            _("Bộ tiêu chí"),
            _("Số tiêu chí đạt"),
            _("Tổng số tiêu chí"),
            _("Mức công nhận"),
            _("Tiêu chí chưa đạt"),
        ]  # fmt: skip
    )
    for cell in sheet[1]:
        cell.font = bold
    for r in data["communes"]:
        sheet.append(
            [
                r["code"],
                r["name"],
                r["current_name"],
                r["set_key"],
                r["criteria_met"],
                r["criteria_total"],
                r["status_label"],
                "; ".join(f"{m['no']}. {m['name']}" for m in r["missing"]),
            ]  # fmt: skip
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _num(text: str | None):
    return None if text is None else Decimal(text)
