"""The report to the Ministry of Finance's NTP database (cơ sở dữ liệu các chương trình mục tiêu
quốc gia, Quyết định 25/2025/QĐ-TTg), as the reporting regime of Nghị định 09/2019/NĐ-CP asks:
fixed content, reporting unit, recipient, cut-off period and data template (data/exchange/
mof-ntp.yaml, docs/schemas/mof-ntp.schema.json).

Content: funding allocated and disbursed (vốn phân bổ, giải ngân) by year, component, source and
level of the unit that carries it out, with totals by each; and the programme results of each
year: units recognised at each NTM level, poor and near-poor households and their rates, OCOP
products in force by stars. Every figure comes from the functions of the summary report
(`reports.sections`), on the same records and dates.

Funding lines have no date of their own: a line of year Y is counted in the report of year Y as it
stands when the report is made. The cut-off date decides the OCOP figures of the last year (the
products in force that day); the NTM results are those at the end of each year, the poverty
results those of each year's review.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.divisions.models import Division, Level

from ..models import FundingRecord
from ..summary import Period, ReportContext
from . import Cutoff, regime, require_province, today, validate

KEY = "mof-ntp"
ZERO = Decimal(0)
LEVEL_LABELS = dict(Level.choices)


def cutoff_for(period: Period, given: dt.date | None = None) -> Cutoff:
    """The cut-off of the regime for `period` (annual: 15/12 of the year before to 14/12 of the
    last year, Điều 12 NĐ 09/2019); `given` moves its end, inside the period's last year and
    not after today. Without `given`, a report made before the regime's end day counts to today."""
    rule = regime(KEY)["cutoff"]
    start = dt.date(
        period.start + rule["from"]["year_offset"], rule["from"]["month"], rule["from"]["day"]
    )
    end = dt.date(period.end + rule["to"]["year_offset"], rule["to"]["month"], rule["to"]["day"])
    now = today()
    if given is not None:
        if given.year != period.end:
            raise ValidationError(
                _("Ngày chốt số liệu %(d)s không thuộc năm %(y)s, năm cuối của kỳ báo cáo.")
                % {"d": given.strftime("%d/%m/%Y"), "y": period.end}
            )
        if given > now:
            raise ValidationError(
                _("Ngày chốt số liệu %(d)s chưa đến.") % {"d": given.strftime("%d/%m/%Y")}
            )
        return Cutoff(start, given)
    if dt.date(period.end, 1, 1) > now:
        raise ValidationError(_("Kỳ báo cáo %(p)s chưa bắt đầu.") % {"p": period})
    return Cutoff(start, min(end, now))


def _money(value) -> float:
    """Million VND with the records' three decimals, as a JSON number."""
    return float(Decimal(value or 0).quantize(Decimal("0.001")))


def _rate(disbursed, allocated) -> float | None:
    if not allocated:
        return None
    return float(
        (Decimal(disbursed) * 100 / Decimal(allocated)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    )


def _sums(a, d) -> dict:
    a, d = a or ZERO, d or ZERO
    return {"allocated": _money(a), "disbursed": _money(d), "disbursement_rate": _rate(d, a)}


def funding(ctx: ReportContext) -> dict:
    """Funding lines of the period (year × component × source × level) and their totals."""
    p = ctx.period
    records = FundingRecord.objects.filter(ctx.records_q(), year__range=(p.start, p.end))
    lines = []
    for r in (
        records.values(
            "year",
            "component__id",
            "component__code",
            "component__name",
            "source__id",
            "source__code",
            "source__name",
            "source__is_budget",
            "division__level",
        )
        .annotate(a=Sum("allocated"), d=Sum("disbursed"))
        .order_by("year", "component__id", "source__id", "division__level")
    ):
        lines.append(
            {
                "year": r["year"],
                "component": {"code": r["component__code"], "name": r["component__name"]},
                "source": {
                    "code": r["source__code"],
                    "name": r["source__name"],
                    "state_budget": r["source__is_budget"],
                },
                "level": {
                    "code": r["division__level"],
                    "name": str(LEVEL_LABELS.get(r["division__level"], r["division__level"])),
                },
                **_sums(r["a"], r["d"]),
            }
        )

    def by(code: str, name: str | None, order: str) -> list[dict]:
        fields = [code, name, order] if name else [code]
        rows = records.values(*dict.fromkeys(fields)).annotate(
            a=Sum("allocated"), d=Sum("disbursed")
        )
        out = []
        for r in rows.order_by(order):
            if name:
                label = r[name]
            elif code == "year":
                label = f"Năm {r[code]}"
            else:
                label = str(LEVEL_LABELS.get(r[code], r[code]))
            out.append({"code": str(r[code]), "name": str(label), **_sums(r["a"], r["d"])})
        return out

    total = records.aggregate(a=Sum("allocated"), d=Sum("disbursed"))
    return {
        "unit": regime(KEY)["unit"],
        "lines": lines,
        "totals": _sums(total["a"], total["d"]),
        "by_year": by("year", None, "year"),
        "by_component": by("component__code", "component__name", "component__id"),
        "by_source": by("source__code", "source__name", "source__id"),
        "by_level": by("division__level", None, "division__level"),
    }


def _ntm(ctx: ReportContext, year: int) -> dict | None:
    from ..sections.ntm import ntm_figures

    data = ntm_figures(ReportContext(ctx.user, ctx.division, Period(year, year)), year)
    if data is None:
        return None
    return {
        "date": data["date"],
        "communes_total": data["denominator"]["total"],
        "levels": [
            {
                "scale": scale["scale"],
                "unit_word": scale["unit_word"],
                "total": scale["total"],
                "kind": row["kind"],
                "label": row["label"],
                "count": row["count"],
                "share": float(row["share"]) if row["share"] is not None else None,
                "reached_in_year": row["reached"],
            }
            for scale in data["levels"]
            for row in scale["rows"]
        ],
    }


def _poverty(totals: dict, year: int) -> dict | None:
    from ..sections.poverty import ESCAPED
    from ..sections.poverty import _rate as rate

    t = totals.get(year)
    if not t:
        return None

    def pct(part):
        r = rate(part, t["households"])
        return float(r) if r is not None else None

    return {
        "standard": t["standard"],
        "households": t["households"],
        "poor": t["poor"],
        "poor_rate": pct(t["poor"]),
        "near_poor": t["near_poor"],
        "near_poor_rate": pct(t["near_poor"]),
        "escaped": sum(t["transitions"].get(k, 0) for k in ESCAPED),
    }


def _ocop(ctx: ReportContext, year: int, on: dt.date) -> dict | None:
    from ..sections.ocop import ocop_figures

    data = ocop_figures(ctx, on, dt.date(year, 1, 1))
    if data is None:
        return None
    return {
        "date": on.isoformat(),
        "valid_products": data["valid_products"]["total"],
        "by_stars": {str(k): v for k, v in data["valid_products"]["by_stars"].items()},
        "producers": data["producers"]["with_valid_products"],
        "newly_certified": data["newly_certified"]["total"],
        "recertified": data["recertified"]["total"],
    }


def results(ctx: ReportContext, cutoff: Cutoff) -> list[dict]:
    from ..sections.poverty import yearly_totals

    p = ctx.period
    try:
        poverty_totals = yearly_totals(ctx, list(p.years))
    except ImportError:
        poverty_totals = {}
    out = []
    for year in p.years:
        on = cutoff.end if year == p.end else min(dt.date(year, 12, 31), today())
        out.append(
            {
                "year": year,
                "ntm": _ntm(ctx, year),
                "poverty": _poverty(poverty_totals, year),
                "ocop": _ocop(ctx, year, on),
            }
        )
    return out


def unit_of(division: Division) -> dict:
    return {
        "code": division.code,
        "name": division.name,
        "level": division.level,
        "map": division.map.key,
    }


def header(key: str, division: Division, extra: dict) -> dict:
    r = regime(key)
    return {
        "title": r["title"],
        "legal_basis": list(r["legal_basis"]),
        "content": r["content"],
        "reporter": r["reporter"],
        "recipient": r["recipient"],
        "method": r["method"],
        "frequency": r.get("frequency_label", ""),
        **extra,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def build(user, division: Division, period: Period, cutoff: dt.date | None = None) -> dict:
    """The MoF NTP document of a province for `period`, checked against its schema."""
    require_province(user, division)
    cut = cutoff_for(period, cutoff)
    ctx = ReportContext(user=user, division=division, period=period)
    document = {
        "schema": KEY,
        "template_version": str(regime(KEY)["template_version"]),
        "report": header(
            KEY,
            division,
            {
                "period": {"start": period.start, "end": period.end},
                "cutoff": {"from": cut.start.isoformat(), "to": cut.end.isoformat()},
            },
        ),
        "reporting_unit": unit_of(division),
        "funding": funding(ctx),
        "results": results(ctx, cut),
    }
    return validate(KEY, document)


# -- Excel ------------------------------------------------------------------------------------
from .workbook import INFO_SHEET, Column, data_sheet, exchange_workbook, save  # noqa: E402

# allocated, disbursed and the rate: the last columns of the detail and of the summary sheet
DISBURSEMENT_COLUMNS = [
    Column("Vốn phân bổ (triệu đồng)", "money", 20),
    Column("Vốn giải ngân (triệu đồng)", "money", 20),
    Column("Tỷ lệ giải ngân", "percent", 14),
]
FUNDING_COLUMNS = [
    Column("STT", "int", 6),
    Column("Năm", "year", 8),
    Column("Mã nội dung", width=14),
    Column("Nội dung chương trình", width=44),
    Column("Mã nguồn vốn", width=14),
    Column("Nguồn vốn", width=30),
    Column("Ngân sách nhà nước", width=12),
    Column("Cấp thực hiện", width=26),
    *DISBURSEMENT_COLUMNS,
]
SUMMARY_COLUMNS = [
    Column("Tổng hợp theo", width=20),
    Column("Mã", width=14),
    Column("Tên", width=44),
    *DISBURSEMENT_COLUMNS,
]
RESULT_COLUMNS = [
    Column("Năm", "year", 8),
    Column("Lĩnh vực", width=26),
    Column("Chỉ tiêu", width=56),
    Column("Đơn vị tính", width=14),
    Column("Số lượng", "int", 14),
    Column("Tỷ lệ", "percent", 12),
    Column("Ngày số liệu", "date", 14),
]
SHEETS = (
    INFO_SHEET,
    "Biểu 01. Vốn chi tiết",
    "Biểu 02. Vốn tổng hợp",
    "Biểu 03. Kết quả thực hiện",
)


def result_rows(document: dict) -> list[list]:
    rows = []
    for item in document["results"]:
        y = item["year"]
        if item["ntm"]:
            n = item["ntm"]
            for lv in n["levels"]:
                rows.append(
                    [
                        y,
                        "Nông thôn mới",
                        f"{lv['label']} (trên {lv['total']} {lv['unit_word']})",
                        lv["unit_word"],
                        lv["count"],
                        lv["share"],
                        n["date"],
                    ]
                )
                rows.append(
                    [
                        y,
                        "Nông thôn mới",
                        f"  trong đó đạt trong năm: {lv['label'].lower()}",
                        lv["unit_word"],
                        lv["reached_in_year"],
                        None,
                        n["date"],
                    ]
                )
        if item["poverty"]:
            pv = item["poverty"]
            day = f"{y}-12-31"
            rows += [
                [y, "Giảm nghèo bền vững", "Tổng số hộ rà soát", "hộ", pv["households"], None, day],
                [y, "Giảm nghèo bền vững", "Hộ nghèo", "hộ", pv["poor"], pv["poor_rate"], day],
                [
                    y,
                    "Giảm nghèo bền vững",
                    "Hộ cận nghèo",
                    "hộ",
                    pv["near_poor"],
                    pv["near_poor_rate"],
                    day,
                ],
                [
                    y,
                    "Giảm nghèo bền vững",
                    "Hộ thoát nghèo, thoát cận nghèo",
                    "hộ",
                    pv["escaped"],
                    None,
                    day,
                ],
            ]
        if item["ocop"]:
            oc = item["ocop"]
            rows.append(
                [
                    y,
                    "OCOP",
                    "Sản phẩm OCOP còn hiệu lực",
                    "sản phẩm",
                    oc["valid_products"],
                    None,
                    oc["date"],
                ]
            )
            for stars, count in sorted(oc["by_stars"].items(), reverse=True):
                rows.append(
                    [y, "OCOP", f"  trong đó {stars} sao", "sản phẩm", count, None, oc["date"]]
                )
            rows.append(
                [
                    y,
                    "OCOP",
                    "Chủ thể có sản phẩm OCOP còn hiệu lực",
                    "chủ thể",
                    oc["producers"],
                    None,
                    oc["date"],
                ]
            )
            rows.append(
                [
                    y,
                    "OCOP",
                    "Sản phẩm được công nhận mới trong năm",
                    "sản phẩm",
                    oc["newly_certified"],
                    None,
                    oc["date"],
                ]
            )
    return rows


def to_xlsx(document: dict) -> bytes:
    f = document["funding"]
    wb = exchange_workbook(document)
    lines = [
        [
            i,
            ln["year"],
            ln["component"]["code"],
            ln["component"]["name"],
            ln["source"]["code"],
            ln["source"]["name"],
            "Có" if ln["source"]["state_budget"] else "Không",
            ln["level"]["name"],
            ln["allocated"],
            ln["disbursed"],
            ln["disbursement_rate"],
        ]
        for i, ln in enumerate(f["lines"], start=1)
    ]
    t = f["totals"]
    lines.append(
        [
            None,
            None,
            None,
            "Tổng cộng",
            None,
            None,
            None,
            None,
            t["allocated"],
            t["disbursed"],
            t["disbursement_rate"],
        ]
    )
    data_sheet(wb, document, SHEETS[1], FUNDING_COLUMNS, lines, unit_text=f["unit"])
    groups = (
        ("by_year", "Năm"),
        ("by_component", "Nội dung"),
        ("by_source", "Nguồn vốn"),
        ("by_level", "Cấp thực hiện"),
    )
    summary = [
        [label, r["code"], r["name"], r["allocated"], r["disbursed"], r["disbursement_rate"]]
        for key, label in groups
        for r in f[key]
    ]
    summary.append(
        ["Tổng cộng", None, None, t["allocated"], t["disbursed"], t["disbursement_rate"]]
    )
    data_sheet(wb, document, SHEETS[2], SUMMARY_COLUMNS, summary, unit_text=f["unit"])
    data_sheet(wb, document, SHEETS[3], RESULT_COLUMNS, result_rows(document))
    return save(wb)
