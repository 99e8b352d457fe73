"""Write data/ocop/26-2026/ from the recovered transcription of Decision 26/2026/QĐ-TTg (DEV-TIME TOOL).

Công cụ chạy lúc phát triển: sinh 26 bộ tiêu chí OCOP theo QĐ 26/2026/QĐ-TTg cho Tam Nông.

Input: the 26 YAML sets in ``../shared/domain/ocop-26-2026/`` (recovered from a third-party HTML
transcript, see its README). The output is committed; the application never reads the input.
The files keep the input's shape and text; only what the project's loader
(``tamnong/ocop/criteria.py``) cannot take as it is, or what is a plain slip, is changed, and
every change is written into the set's ``issues`` (so it is shown with the set as a defect):

1. Criteria with no options (the bilingual-label criterion "Ghi nhãn hàng hóa có sử dụng song
   ngữ …", 1 point, sets 1-22) get one option, the criterion itself, worth its maximum: a
   criterion of one level is met (all its points) or not (0, which every criterion allows).
2. Alternatives that share a printed code (set 26, groups 8, 9 and 15: "Trường hợp 1/2") get
   distinct codes ``8.TH1`` / ``8.TH2``; the printed code stays in ``code_as_printed``.
3. A star marker that cannot be a star rank (set 3, 5.1: "* * * *" read as 7) is read as the
   number of stars it shows (4), as in the same criterion of every other set.
4. Blank or impossible option scores stay ``null`` (``points_as_written`` keeps the source): the
   loader marks such a set incomplete, and it refuses new dossiers until an administrator loads
   the corrected set.

Run from the repository root:  python tools/gen_ocop_26_2026.py [SOURCE_DIR]
Deterministic: same input, same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "domain" / "ocop-26-2026"
OUT = ROOT / "data" / "ocop" / "26-2026"
STARS = (3, 4, 5)

HEADER = (
    "# Bộ tiêu chí OCOP theo Quyết định 26/2026/QĐ-TTg (22/05/2026), Phụ lục II: bộ sản phẩm số {n} "
    '"{name}".\n'
    "# Tệp của Tam Nông, sinh bởi tools/gen_ocop_26_2026.py từ bản phục hồi ../shared/domain/ocop-26-2026/{file}\n"
    "# (nguồn: hakienpdu95/minhan@8870762:docs/bnn_txng.html, bản chép HTML thứ cấp; xem README.md cùng thư mục).\n"
    "# Văn bản giữ nguyên như nguồn (kể cả lỗi chính tả); mọi chỗ sửa ghi trong issues.\n"
)


def _star_count(marker: int) -> int | None:
    """A marker read as a number of characters: "* * * *" (7) shows 4 stars."""
    if marker in STARS:
        return marker
    stars = (marker + 1) // 2  # n stars separated by n-1 spaces
    return stars if stars in STARS and 2 * stars - 1 == marker else None


def convert(raw: dict) -> dict:
    issues = list(raw.get("issues") or [])
    notes: list[str] = []
    for part in raw["parts"]:
        printed: dict[str, int] = {}
        for crit in part["criteria"]:
            printed[str(crit["code"])] = printed.get(str(crit["code"]), 0) + 1
        for crit in part["criteria"]:
            code = str(crit["code"])
            if not crit.get("options"):
                crit["options"] = [{"text": crit["name"], "points": crit["max_points"]}]
                crit["options_note"] = (
                    "Nguồn chỉ ghi tên tiêu chí và điểm tối đa, không liệt kê lựa chọn. Tam Nông ghi "
                    "một lựa chọn là chính tiêu chí, đủ điểm tối đa: đạt được "
                    f"{crit['max_points']} điểm, không đạt được 0 (cách đọc của Tam Nông, chưa đối "
                    "chiếu văn bản gốc)."
                )
                notes.append(
                    f"Tam Nông: tiêu chí {code} «{crit['name']}» không có lựa chọn trong nguồn; ghi "
                    f"một lựa chọn là chính tiêu chí ({crit['max_points']} điểm), không đạt = 0."
                )
            if printed[code] > 1 and crit.get("alternative"):
                case = (
                    crit["alternative"].split(":")[0].replace("Trường hợp", "TH").replace(" ", "")
                )
                crit["code_as_printed"] = code
                crit["code"] = f"{code}.{case}"
                notes.append(
                    f"Tam Nông: tiêu chí {code} «{crit['name']}», {crit['alternative']}: mã in trong "
                    f"nguồn trùng giữa hai trường hợp; ghi mã {crit['code']}."
                )
            reqs = crit.get("star_requirements") or {}
            for star in list(reqs):
                fixed = _star_count(int(star))
                if fixed is not None and fixed != int(star):
                    reqs[fixed] = reqs.pop(star)
                    crit["star_requirements"] = dict(sorted(reqs.items()))
                    for opt in crit["options"]:
                        if opt.get("required_for_star") == int(star):
                            opt["required_for_star"] = fixed
                    notes.append(
                        f"Tam Nông: tiêu chí {code} «{crit['name']}»: dấu sao tối thiểu đọc thành "
                        f"{star} (ký hiệu có khoảng trắng, «{' '.join('*' * fixed)}»); ghi {fixed} sao "
                        "như ở cùng tiêu chí các bộ khác."
                    )
    raw["issues"] = issues + notes
    return raw


def main(source: Path = SOURCE) -> None:
    files = sorted(source.glob("[0-9][0-9]-*.yaml"))
    if len(files) != 26:
        raise SystemExit(f"{source}: cần 26 bộ tiêu chí, có {len(files)}")
    OUT.mkdir(parents=True, exist_ok=True)
    for path in files:
        raw = convert(yaml.safe_load(path.read_text(encoding="utf-8")))
        text = HEADER.format(n=raw["set_no"], name=raw["product_set"], file=path.name)
        text += yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=10**9)
        (OUT / path.name).write_text(text, encoding="utf-8")
        print(f"{path.name}: {len(raw['issues'])} ghi chú")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
