"""Generate data/calendar/holidays-vn.yaml: Vietnam's public holidays 2019-2027 (DEV-TIME TOOL).

Công cụ chạy lúc phát triển: sinh danh sách ngày nghỉ lễ, Tết (và nghỉ bù, hoán đổi) 2019-2027
để đếm ngày làm việc. The output is committed; the application never imports these packages.

    python3 -m venv /tmp/hvenv && /tmp/hvenv/bin/pip install holidays==0.108 lunardate==0.3.0
    /tmp/hvenv/bin/python tools/gen_holidays.py          # overwrites data/calendar/holidays-vn.yaml

How each date is obtained (the `obtained` key of every entry):
- fixed:   a solar date fixed by the Labour Code (1/1, 30/4, 1/5, 2/9).
- lunar:   a lunar date (Tết Nguyên đán, Giỗ Tổ 10/3 âm lịch) converted with the Vietnamese
           lunisolar calendar (UTC+7) of `holidays` (holidays.calendars.chinese.VIETNAMESE_CALENDAR)
           and checked against `lunardate` (Chinese calendar, UTC+8): the generator stops if the
           two disagree on mùng 1 Tết or on 10/3 âm lịch of a year.
- rule:    a day chosen by the yearly rule (Tết: giao thừa + mùng 1-4; the second Quốc khánh day
           next to 2/9) or a compensatory day (a holiday on a weekend moves to the next working
           day; in Tết a Saturday moves to the working day before), as `holidays` computes them.
- official: a day off swapped against a working Saturday by a government decision, as listed by
           `holidays` (VietnamStaticHolidays, which cites the dispatch of each year).
Entries also say `checked` where a published schedule was read to confirm them.
Deterministic: same package versions, same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays
import lunardate
import yaml
from holidays.countries.vietnam import VietnamStaticHolidays

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "calendar" / "holidays-vn.yaml"
YEARS = range(2019, 2028)

LC_2012 = "Bộ luật Lao động 2012 (10/2012/QH13), Điều 115"
LC_2019 = "Bộ luật Lao động 2019 (45/2019/QH14), Điều 112"
COMPENSATORY = "Bộ luật Lao động 2019, Điều 111.3 (2012: Điều 110.3): ngày nghỉ lễ trùng ngày nghỉ hằng tuần thì nghỉ bù vào ngày làm việc kế tiếp"
SWAP_SOURCES = {
    2018: "Công văn 6519/VPCP-KGVX (2018)",
    2019: "Công văn 6519/VPCP-KGVX (2018)",
    2024: "Công văn 2450/VPCP-KGVX (2024)",
    2025: "Thông báo 6150/TB-BLĐTBXH (2024)",
    2026: "lịch nghỉ lễ Quốc khánh 2026 (thuvienphapluat.vn hỏi đáp, theo holidays 0.108)",
}
# Published schedules read while writing this file (pages search, 2026-12):
CHECKED = {
    (2026, "tet"): "congan.com.vn và vnanet.vn (17/10/2025): công chức nghỉ từ thứ Hai 16/02 đến hết "
    "thứ Sáu 20/02/2026 (29 tháng Chạp đến mùng 4), cả hai kỳ nghỉ cuối tuần là 14/02-22/02/2026",
}
LUNAR_NAMES = {"Tết Nguyên Đán", "Giao thừa Tết Nguyên Đán", "Mùng hai Tết Nguyên Đán",
               "Mùng ba Tết Nguyên Đán", "Mùng bốn Tết Nguyên Đán", "Ngày Giỗ Tổ Hùng Vương"}  # fmt: skip
FIXED = {(1, 1), (4, 30), (5, 1), (9, 2)}


def _lunar_check(year: int) -> tuple[dt.date, dt.date]:
    tet = holidays.Vietnam(years=year, observed=False, language="vi")
    mung1 = next(d for d, n in tet.items() if n == "Tết Nguyên Đán")
    gio_to = next(d for d, n in tet.items() if n == "Ngày Giỗ Tổ Hùng Vương")
    other = lunardate.LunarDate(year, 1, 1).to_solar_date()
    other_gio = lunardate.LunarDate(year, 3, 10).to_solar_date()
    if (mung1, gio_to) != (other, other_gio):
        raise SystemExit(
            f"{year}: lịch âm không khớp (holidays {mung1}, {gio_to}; lunardate {other}, {other_gio})"
        )
    return mung1, gio_to


def entries(year: int) -> list[dict]:
    mung1, gio_to = _lunar_check(year)
    basis = LC_2012 if year <= 2020 else LC_2019
    plain = holidays.Vietnam(years=year, observed=False, language="vi")
    full = holidays.Vietnam(years=year, language="vi")
    out = []
    for day, name in sorted(full.items()):
        entry = {"date": day.isoformat(), "name": name}
        if name.startswith("Ngày nghỉ (thay cho ngày"):
            entry["kind"] = "day_off"
            entry["obtained"] = "official"
            entry["basis"] = SWAP_SOURCES.get(year, "quyết định hoán đổi ngày làm việc")
        elif day in plain and not name.endswith("(nghỉ bù)"):
            entry["kind"] = "holiday"
            if (day.month, day.day) in FIXED:
                entry["obtained"] = "fixed"
            elif name in LUNAR_NAMES:
                entry["obtained"] = "lunar"
                offset = (day - mung1).days
                entry["lunar"] = "10/3" if name == "Ngày Giỗ Tổ Hùng Vương" else (
                    "mùng 1 tháng Giêng" if offset == 0 else
                    f"mùng {offset + 1} tháng Giêng" if offset > 0 else "ngày cuối tháng Chạp"
                )  # fmt: skip
            elif name == "Quốc khánh":
                entry["obtained"] = "rule"
                entry["note"] = "ngày liền kề 2/9 (BLLĐ 2019 Điều 112.1.đ; Thủ tướng quyết định cụ thể hằng năm)"
            else:
                entry["obtained"] = "official"
                entry["note"] = "Nghị quyết 80-NQ/TW (Ngày Văn hóa Việt Nam, nghỉ hưởng lương) theo holidays 0.108; chưa đối chiếu văn bản sửa Bộ luật Lao động"
            entry["basis"] = basis if entry["obtained"] != "official" else "Nghị quyết 80-NQ/TW"
        else:
            entry["kind"] = "compensatory"
            entry["obtained"] = "rule"
            entry["basis"] = (
                "Tết: thứ Bảy chuyển sang ngày làm việc liền trước, Chủ nhật sang ngày làm việc liền sau"
                if "Tết" in name or "Mùng" in name
                else COMPENSATORY
            )
        if abs((day - mung1).days) <= 7 and (year, "tet") in CHECKED:
            entry["checked"] = CHECKED[(year, "tet")]
        out.append(entry)
    # Saturdays worked in exchange for a swapped day off.
    for y in (year - 1, year):
        spec = VietnamStaticHolidays.special_public_holidays.get(y)
        if spec is None:
            continue
        for item in spec if isinstance(spec[0], tuple) else (spec,):
            off = dt.date(y, item[0], item[1])
            worked = dt.date(item[4] if len(item) > 4 else y, item[2], item[3])
            if worked.year == year:
                out.append(
                    {
                        "date": worked.isoformat(),
                        "name": f"Làm việc bù cho ngày nghỉ {off:%d/%m/%Y}",
                        "kind": "working_day",
                        "obtained": "official",
                        "basis": SWAP_SOURCES.get(y, "quyết định hoán đổi ngày làm việc"),
                    }
                )
    return sorted(out, key=lambda e: (e["date"], e["kind"]))


def main() -> None:
    days = [e for y in YEARS for e in entries(y)]
    doc = {
        "generated_by": "tools/gen_holidays.py",
        "packages": {"holidays": holidays.__version__, "lunardate": "0.3.0"},
        "years": [YEARS.start, YEARS.stop - 1],
        "weekly_rest": ["saturday", "sunday"],
        "rules": [
            {
                "from": "2013-05-01",
                "to": "2020-12-31",
                "basis": LC_2012,
                "days": "Tết Dương lịch 1; Tết Âm lịch 5; Giỗ Tổ Hùng Vương (10/3 âm lịch) 1; "
                "Chiến thắng 30/4 1; Quốc tế lao động 1/5 1; Quốc khánh 2/9 1",
            },
            {
                "from": "2021-01-01",
                "to": None,
                "basis": LC_2019,
                "days": "Tết Dương lịch 1 (1/1); Tết Âm lịch 5; Giỗ Tổ Hùng Vương (10/3 âm lịch) 1; "
                "Chiến thắng 30/4 1; Quốc tế lao động 1/5 1; Quốc khánh 2 (2/9 và 1 ngày liền kề "
                "trước hoặc sau)",
                "yearly_choice": "Điều 112.3: Thủ tướng quyết định cụ thể ngày nghỉ Tết Âm lịch và "
                "ngày nghỉ Quốc khánh",
            },
        ],
        "compensatory": COMPENSATORY,
        "kinds": {
            "holiday": "ngày nghỉ lễ, Tết theo luật",
            "compensatory": "ngày nghỉ bù (lễ trùng ngày nghỉ hằng tuần)",
            "day_off": "ngày nghỉ do hoán đổi ngày làm việc",
            "working_day": "thứ Bảy làm việc bù (là ngày làm việc)",
        },
        "days": days,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    head = (
        "# Ngày nghỉ lễ, Tết ở Việt Nam 2019-2027, để đếm ngày làm việc (ví dụ 15 ngày làm việc của\n"
        "# UBND cấp xã, Điều 7.2 QĐ 26/2026/QĐ-TTg). Sinh bởi tools/gen_holidays.py: không sửa tay;\n"
        "# cách lấy từng ngày ở khóa `obtained` (xem docstring của công cụ). Ngày làm việc = thứ Hai\n"
        "# đến thứ Sáu, trừ các ngày holiday/compensatory/day_off, cộng các ngày working_day.\n"
    )
    OUT.write_text(
        head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    print(f"{OUT.relative_to(ROOT)}: {len(days)} ngày")


if __name__ == "__main__":
    main()
