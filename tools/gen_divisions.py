"""Generate the versioned Vietnamese administrative-division data files (DEV-TIME TOOL).

Công cụ chạy lúc phát triển: sinh các tệp dữ liệu đơn vị hành chính (ĐVHC) có phiên bản.

This is a one-off generator, NOT part of the application. It reads the PyPI package
``vietnam-provinces`` (version pinned below, GPL-3.0-or-later; data from the NSO / Cục Thống kê
catalogue https://danhmuchanhchinh.nso.gov.vn/) and writes plain CSV/JSON files under
``data/divisions/``. The OUTPUT IS COMMITTED to the repository; nothing at run time imports
``vietnam_provinces`` (do not add it to requirements*.txt).

Run (from the repository root):

    /path/to/venv-with-vietnam-provinces/bin/python tools/gen_divisions.py

Outputs (deterministic: sorted rows, UTF-8 without BOM, '\\n' line endings):

    data/divisions/MANIFEST.json
    data/divisions/vn-2008/units.csv      pre-2025-07-01 map: 63 provinces, districts, communes
    data/divisions/vn-2025/units.csv      map from 2025-07-01: 34 provinces, 3,321 communes
    data/divisions/lineage-2025.csv       old unit -> successor(s) on 2025-07-01

Package data used:
    vietnam_provinces.Province / Ward                 current map (names as of __data_version__)
    vietnam_provinces.legacy.Province/District/Ward   pre-2025 map (NSO list Xa_2025-01-04.csv)
    vietnam_provinces._ward_conversion_2025           old->new commune table
                                                      (BangChuyendoiĐVHCmoi_cu_khong_merge.csv)
    vietnam_provinces._province_conversion_2025       only used as a cross-check (it is derived
                                                      from the ward table and inherits its errors)

Lineage rules (lineage-2025.csv, columns kind,from_level,from_code,to_level,to_code,partial,primary):
  * communes: one row per (old commune, new commune) pair of the conversion table.
      partial = the package's is_partly_merged for the old commune (True when it has several
                successors, or when the source note for a pair is not "toàn bộ").
      kind    = split  if the old commune has >1 successors
                merge  else if the successor has >1 old sources
                keep   else if same code and same full name
                rename else if same code (name/type changed, e.g. "Thị trấn X" -> "Xã X")
                recode otherwise.
      primary = exactly one per old commune: the successor that kept the old code; else one whose
                source note says "toàn bộ" (whole population/area went there); else the one with
                the same name without type prefix; else the lowest code.
    Old communes missing from the conversion table get one row
      dissolve,commune,<old>,province,<new province of their old province>,0,1
    and are listed on stdout.
  * districts (abolished 2025-07-01): dissolve rows to each new province receiving communes of
    the district; primary = the province receiving most of them, others partial=1.
    Districts without communes (island districts that became đặc khu) get, besides the
    province row, a non-primary `recode` row to the đặc khu of the same name.
  * provinces: derived from where each old province's communes went (legacy hierarchy), kind
    merge (several old -> one new), keep (same code, same name), rename (same code, other
    name), recode. Province names are compared WITHOUT the type prefix, because the package's
    current data already shows later upgrades (tỉnh -> thành phố trực thuộc TW) that are not
    part of the 2025-07-01 change.
Rows are sorted by from_level (province, district, commune), from_code, to_code, to_level.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path

import vietnam_provinces as vp
from vietnam_provinces import Province, Ward
from vietnam_provinces import _province_conversion_2025 as prov_conv
from vietnam_provinces import _ward_conversion_2025 as ward_conv
from vietnam_provinces.legacy import District as LDistrict
from vietnam_provinces.legacy import Province as LProvince
from vietnam_provinces.legacy import Ward as LWard

EXPECTED_PACKAGE_VERSION = "2026.9.0"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "divisions"

HEADER = ["code", "name", "kind", "level", "parent_code"]
LINEAGE_HEADER = ["kind", "from_level", "from_code", "to_level", "to_code", "partial", "primary"]
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}
PAD = {"province": 2, "district": 3, "commune": 5}

KIND_BY_TYPE = {
    "tỉnh": "tinh",
    "thành phố trung ương": "thanh_pho_tw",
    "huyện": "huyen",
    "quận": "quan",
    "thị xã": "thi_xa",
    "thành phố": "thanh_pho",
    "xã": "xa",
    "phường": "phuong",
    "thị trấn": "thi_tran",
    "đặc khu": "dac_khu",
}
ALLOWED_KINDS = {
    "vn-2008": {
        "province": {"tinh", "thanh_pho_tw"},
        "district": {"huyen", "quan", "thi_xa", "thanh_pho"},
        "commune": {"xa", "phuong", "thi_tran"},
    },
    "vn-2025": {
        "province": {"tinh", "thanh_pho_tw"},
        "commune": {"xa", "phuong", "dac_khu"},
    },
}
PREFIXES = ("Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã ", "Thị trấn ", "Phường ", "Xã ",
            "Đặc khu ")


def code(level: str, value: int) -> str:
    return str(int(value)).zfill(PAD[level])


def kind_of(division_type) -> str:
    return KIND_BY_TYPE[str(division_type.value)]


def base_name(name: str) -> str:
    for p in PREFIXES:
        if name.startswith(p):
            return name[len(p):]
    return name


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def unit_sort_key(row: list[str]):
    return (LEVEL_RANK[row[3]], row[0])


# --------------------------------------------------------------------------------------------
# Read the package
# --------------------------------------------------------------------------------------------

def legacy_data_date() -> str:
    """The package README names the NSO list the legacy data was generated from."""
    text = metadata.metadata("vietnam-provinces").get_payload() or ""
    m = re.search(r"Xa_(\d{4}-\d{2}-\d{2})\.csv", text)
    assert m, "cannot find legacy seed file date in package metadata"
    return m.group(1)


def build_old_map():
    provinces = {int(p.code): p for p in LProvince.iter_all()}
    districts = {int(d.code): d for d in LDistrict.iter_all()}
    wards = {int(w.code): w for w in LWard.iter_all()}
    rows = []
    for c, p in provinces.items():
        rows.append([code("province", c), p.name, kind_of(p.division_type), "province", ""])
    for c, d in districts.items():
        rows.append([code("district", c), d.name, kind_of(d.division_type), "district",
                     code("province", int(d.province_code))])
    for c, w in wards.items():
        rows.append([code("commune", c), w.name, kind_of(w.division_type), "commune",
                     code("district", int(w.district_code))])
    rows.sort(key=unit_sort_key)
    return provinces, districts, wards, rows


def build_new_map():
    provinces = {int(p.code): p for p in Province.iter_all()}
    wards = {int(w.code): w for w in Ward.iter_all()}
    assert len(provinces) == 34, len(provinces)
    assert len(wards) == 3321, len(wards)
    rows = []
    for c, p in provinces.items():
        rows.append([code("province", c), p.name, kind_of(p.division_type), "province", ""])
    for c, w in wards.items():
        rows.append([code("commune", c), w.name, kind_of(w.division_type), "commune",
                     code("province", int(w.province_code))])
    rows.sort(key=unit_sort_key)
    return provinces, wards, rows


# --------------------------------------------------------------------------------------------
# Lineage
# --------------------------------------------------------------------------------------------

def build_lineage(old_p, old_d, old_w, new_p, new_w):
    o2n = ward_conv.OLD_TO_NEW
    n2o = ward_conv.NEW_TO_OLD
    notes: list[str] = []
    rows: list[tuple] = []  # (kind, from_level, from_code, to_level, to_code, partial, primary)

    # Per-pair "whole" flag from the source note ("toàn bộ" => not partial for this pair).
    pair_partial: dict[tuple[int, int], bool] = {}
    for n, entry in n2o.items():
        for o in entry.old_wards:
            pair_partial[(o.code, n)] = o.is_partly_merged
    n_sources = {n: len(entry.old_wards) for n, entry in n2o.items()}

    # Sanity: successors exist in the new map and province codes agree.
    for oc, entry in o2n.items():
        for nw in entry.new_wards:
            assert nw.code in new_w, (oc, nw)
            assert int(new_w[nw.code].province_code) == nw.province_code, (oc, nw)

    conv_only = sorted(set(o2n) - set(old_w))
    if conv_only:
        notes.append(f"{len(conv_only)} old codes in the conversion table are not in the legacy "
                     f"map (ignored): {', '.join(code('commune', c) for c in conv_only)}")
    for oc, entry in sorted(o2n.items()):
        if oc in old_w:
            d = int(old_w[oc].district_code)
            p = int(old_d[d].province_code)
            if (entry.old_ward.district_code, entry.old_ward.province_code) != (d, p):
                notes.append(
                    f"conversion table gives old commune {code('commune', oc)} district/province "
                    f"{entry.old_ward.district_code}/{entry.old_ward.province_code}, legacy map says "
                    f"{d}/{p} (legacy map used)")

    # ---- provinces: derived from where their communes went --------------------------------
    prov_targets: dict[int, Counter] = defaultdict(Counter)
    for oc, w in old_w.items():
        if oc in o2n:
            p = int(old_d[int(w.district_code)].province_code)
            for np_ in {nw.province_code for nw in o2n[oc].new_wards}:
                prov_targets[p][np_] += 1
    old_to_new_prov: dict[int, int] = {}
    new_prov_sources: dict[int, set[int]] = defaultdict(set)
    for p in old_p:
        targets = prov_targets[p]
        assert targets, f"old province {p} has no successor"
        assert len(targets) == 1, (p, targets)  # no province was split in 2025
        (np_,) = targets
        old_to_new_prov[p] = np_
        new_prov_sources[np_].add(p)
        pkg = prov_conv.OLD_TO_NEW.get(p)
        pkg_set = {r.code for r in pkg.new_provinces} if pkg else set()
        if pkg_set != {np_}:
            notes.append(f"package province table maps old {code('province', p)} -> "
                         f"{sorted(pkg_set)}; derived from commune data: {np_} (derived used)")
    for p, np_ in old_to_new_prov.items():
        if len(new_prov_sources[np_]) > 1:
            kind = "merge"
        elif p == np_:
            kind = "keep" if base_name(old_p[p].name) == base_name(new_p[np_].name) else "rename"
        else:
            kind = "recode"
        rows.append((kind, "province", code("province", p), "province", code("province", np_),
                     0, 1))
        if kind == "keep" and old_p[p].name != new_p[np_].name:
            notes.append(f"province {code('province', p)}: {old_p[p].name} -> {new_p[np_].name} "
                         f"(type change not part of 2025-07-01; lineage kind keep)")
    assert set(new_prov_sources) == set(new_p), set(new_p) ^ set(new_prov_sources)

    # ---- communes -------------------------------------------------------------------------
    missing: list[int] = []
    primary_rule = Counter()
    for oc, w in old_w.items():
        entry = o2n.get(oc)
        if entry is None:
            missing.append(oc)
            p = int(old_d[int(w.district_code)].province_code)
            rows.append(("dissolve", "commune", code("commune", oc), "province",
                         code("province", old_to_new_prov[p]), 0, 1))
            continue
        succ = sorted({nw.code for nw in entry.new_wards})
        partial = 1 if entry.old_ward.is_partly_merged else 0
        if oc in succ:
            prim, rule = oc, "kept old code"
        else:
            whole = [n for n in succ if not pair_partial.get((oc, n), True)]
            same_name = [n for n in succ if base_name(new_w[n].name) == base_name(w.name)]
            if len(succ) == 1:
                prim, rule = succ[0], "single successor"
            elif whole:
                prim, rule = whole[0], "note 'toàn bộ'"
            elif same_name:
                prim, rule = same_name[0], "same name"
            else:
                prim, rule = succ[0], "lowest code"
        primary_rule[rule] += 1
        for n in succ:
            if len(succ) > 1:
                kind = "split"
            elif n_sources.get(n, 0) > 1:
                kind = "merge"
            elif n == oc:
                kind = "keep" if new_w[n].name == w.name else "rename"
            else:
                kind = "recode"
            rows.append((kind, "commune", code("commune", oc), "commune", code("commune", n),
                         partial, 1 if n == prim else 0))

    # ---- districts ------------------------------------------------------------------------
    by_district: dict[int, Counter] = defaultdict(Counter)
    for oc, w in old_w.items():
        d = int(w.district_code)
        if oc in o2n:
            for np_ in {nw.province_code for nw in o2n[oc].new_wards}:
                by_district[d][np_] += 1
        else:
            by_district[d][old_to_new_prov[int(old_d[d].province_code)]] += 1
    island_rows = []
    for d, dist in old_d.items():
        counts = by_district.get(d)
        if not counts:
            np_ = old_to_new_prov[int(dist.province_code)]
            counts = Counter({np_: 0})
            # A district without communes: look for the đặc khu of the same name.
            target = f"Đặc khu {base_name(dist.name)}"
            hits = [c for c, nw in new_w.items()
                    if nw.name == target and int(nw.province_code) == np_]
            if len(hits) == 1:
                rows.append(("recode", "district", code("district", d), "commune",
                             code("commune", hits[0]), 0, 0))
                island_rows.append(f"{code('district', d)} {dist.name} -> "
                                   f"{code('commune', hits[0])} {new_w[hits[0]].name}")
            else:
                notes.append(f"district {code('district', d)} {dist.name} has no communes and "
                             f"no matching đặc khu")
        prim = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        for np_ in sorted(counts):
            rows.append(("dissolve", "district", code("district", d), "province",
                         code("province", np_), 0 if np_ == prim else 1, 1 if np_ == prim else 0))

    rows.sort(key=lambda r: (LEVEL_RANK[r[1]], r[2], r[4], LEVEL_RANK[r[3]]))
    return rows, missing, notes, primary_rule, island_rows


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------

def previous_changes() -> list[dict]:
    """The `changes` entries of the current MANIFEST.json, with the sha256 of each file now."""
    path = OUT / "MANIFEST.json"
    if not path.exists():
        return []
    entries = json.loads(path.read_text(encoding="utf-8")).get("changes", [])
    for entry in entries:
        entry["sha256"] = hashlib.sha256((OUT / entry["file"]).read_bytes()).hexdigest()
    return entries


def check_units(key: str, rows: list[list[str]]) -> None:
    seen = set()
    by_level = defaultdict(set)
    for c, _name, kind, level, _parent in rows:
        assert (level, c) not in seen, (key, level, c)
        seen.add((level, c))
        assert len(c) == PAD[level] and c.isdigit(), (key, c)
        assert kind in ALLOWED_KINDS[key][level], (key, c, kind)
        by_level[level].add(c)
    parent_level = {"vn-2008": {"district": "province", "commune": "district"},
                    "vn-2025": {"commune": "province"}}[key]
    for c, _name, _kind, level, parent in rows:
        if level == "province":
            assert parent == "", (key, c)
        else:
            assert parent in by_level[parent_level[level]], (key, c, parent)


def check_lineage(rows, old_rows, new_rows) -> None:
    old_units = {(r[3], r[0]) for r in old_rows}
    new_units = {(r[3], r[0]) for r in new_rows}
    primaries = Counter()
    for kind, fl, fc, tl, tc, partial, primary in rows:
        assert kind in {"keep", "merge", "split", "rename", "recode", "dissolve"}, kind
        assert (fl, fc) in old_units, (fl, fc)
        assert (tl, tc) in new_units, (tl, tc)
        assert partial in (0, 1) and primary in (0, 1)
        primaries[(fl, fc)] += primary
    assert set(primaries) == old_units, old_units ^ set(primaries)
    bad = [u for u, n in primaries.items() if n != 1]
    assert not bad, bad[:10]
    assert len(rows) == len({tuple(r[1:5]) for r in rows}), "duplicate lineage pair"


# --------------------------------------------------------------------------------------------

def main() -> int:
    pkg_version = metadata.version("vietnam-provinces")
    assert pkg_version == EXPECTED_PACKAGE_VERSION == vp.__version__, pkg_version
    assert ward_conv.EFFECTIVE_DATE == "2025-07-01" == prov_conv.EFFECTIVE_DATE

    old_p, old_d, old_w, old_rows = build_old_map()
    new_p, new_w, new_rows = build_new_map()
    check_units("vn-2008", old_rows)
    check_units("vn-2025", new_rows)
    assert len(old_p) == 63, len(old_p)

    lineage, missing, notes, primary_rule, island_rows = build_lineage(
        old_p, old_d, old_w, new_p, new_w)
    lin_rows = [list(map(str, r)) for r in lineage]
    check_lineage(lineage, old_rows, new_rows)

    sha_old = write(OUT / "vn-2008" / "units.csv", csv_bytes(HEADER, old_rows))
    sha_new = write(OUT / "vn-2025" / "units.csv", csv_bytes(HEADER, new_rows))
    sha_lin = write(OUT / "lineage-2025.csv", csv_bytes(LINEAGE_HEADER, lin_rows))
    legacy_date = legacy_data_date()
    nso = ("Danh mục ĐVHC của Cục Thống kê (NSO, trước đây Tổng cục Thống kê), "
           "https://danhmuchanhchinh.nso.gov.vn/")
    manifest = {
        "format": 1,
        "maps": [
            {
                "key": "vn-2008",
                "name": "Bản đồ hành chính trước 01/07/2025 (63 tỉnh, cấp huyện, cấp xã)",
                "valid_from": None,
                "valid_to": "2025-06-30",
                "file": "vn-2008/units.csv",
                "source": f"{nso}; danh sách Xa_{legacy_date}.csv, qua gói vietnam-provinces "
                          f"{pkg_version} (vietnam_provinces.legacy)",
                "data_date": legacy_date,
                "sha256": sha_old,
                "note": f"Ảnh chụp danh mục NSO ngày {legacy_date}, không phải ngày 30/06/2025; "
                        "một số đơn vị sắp xếp trong năm 2025 có thể chưa phản ánh.",
            },
            {
                "key": "vn-2025",
                "name": "Bản đồ hành chính từ 01/07/2025 (34 tỉnh, 3.321 xã, không có cấp huyện)",
                "valid_from": "2025-07-01",
                "valid_to": None,
                "file": "vn-2025/units.csv",
                "source": f"{nso}; mã số theo Quyết định 19/2025/QĐ-TTg; qua gói "
                          f"vietnam-provinces {pkg_version}",
                "data_date": vp.__data_version__,
                "sha256": sha_new,
                "note": "Tên/loại theo dữ liệu gói ngày "
                        f"{vp.__data_version__}: Đồng Nai, Quảng Ninh, Bắc Ninh đã là thành phố "
                        "trực thuộc TW (ngày 01/07/2025 còn là tỉnh); mã và danh sách xã không đổi. "
                        "Danh sách cấp xã giống hệt bản 2026.3.0 (dữ liệu 2026-02-21).",
            },
        ],
        "lineage": [
            {
                "file": "lineage-2025.csv",
                "effective_date": ward_conv.EFFECTIVE_DATE,
                "basis": "Nghị quyết 202/2025/QH15 (tỉnh); các Nghị quyết của UBTVQH về sắp xếp "
                         "ĐVHC cấp xã năm 2025; Quyết định 19/2025/QĐ-TTg (mã số)",
                "source": f"Bảng chuyển đổi ĐVHC mới - cũ ({ward_conv.SOURCE}) qua gói "
                          f"vietnam-provinces {pkg_version}",
                "sha256": sha_lin,
            }
        ],
        # Change files (data/divisions/changes/, written by hand, one per resolution) are kept:
        # the loader applies them on top of the maps above.
        "changes": previous_changes(),
        "generated_by": "tools/gen_divisions.py",
        "package": f"vietnam-provinces {pkg_version}",
        "license_note": "Mã và tên ĐVHC là dữ liệu công bố của Nhà nước (Cục Thống kê). Gói "
                        "vietnam-provinces (GPL-3.0-or-later) chỉ được dùng lúc phát triển để "
                        "trích xuất; không sao chép mã nguồn của gói và ứng dụng không import gói "
                        "khi chạy. / Official NSO codes and names, extracted at development time "
                        "with the GPL package; no package code is shipped or imported at run time.",
    }
    mbytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write(OUT / "MANIFEST.json", mbytes)

    # ---- summary --------------------------------------------------------------------------
    print(f"vietnam-provinces {pkg_version}; current data {vp.__data_version__}; "
          f"legacy data {legacy_date}")
    for key, rows in (("vn-2008", old_rows), ("vn-2025", new_rows)):
        c = Counter(r[3] for r in rows)
        k = Counter(f"{r[3]}:{r[2]}" for r in rows)
        print(f"{key}: " + ", ".join(f"{lv}={c[lv]}" for lv in LEVEL_RANK if lv in c)
              + "  [" + ", ".join(f"{x}={n}" for x, n in sorted(k.items())) + "]")
    print(f"lineage rows: {len(lineage)}; by kind: "
          + ", ".join(f"{k}={n}" for k, n in sorted(Counter(r[0] for r in lineage).items())))
    print("lineage rows by from_level/kind: " + ", ".join(
        f"{a}/{b}={n}" for (a, b), n in sorted(Counter((r[1], r[0]) for r in lineage).items())))
    o2n = ward_conv.OLD_TO_NEW
    split = sum(1 for c in old_w if c in o2n and len({x.code for x in o2n[c].new_wards}) > 1)
    part1 = sum(1 for c in old_w if c in o2n and len({x.code for x in o2n[c].new_wards}) == 1
                and o2n[c].old_ward.is_partly_merged)
    print(f"old communes split over several new communes: {split}; "
          f"single successor but flagged partial: {part1}")
    print("primary chosen by: " + ", ".join(f"{k}={n}" for k, n in primary_rule.most_common()))
    print(f"# old communes with NO successor in the package data ({len(missing)}), "
          "emitted as dissolve -> province:")
    for c in sorted(missing):
        w = old_w[c]
        d = old_d[int(w.district_code)]
        print(f"#   {code('commune', c)} {w.name}, {d.name}, {old_p[int(d.province_code)].name}")
    print("# island districts without communes, extra recode row -> đặc khu:")
    for s in island_rows:
        print(f"#   {s}")
    print("# source-data notes:")
    for n in notes:
        print(f"#   {n}")

    def show(level: str, c: str) -> None:
        old_name = {(r[3], r[0]): r[1] for r in old_rows}[(level, c)]
        names = {(r[3], r[0]): r[1] for r in new_rows}
        outs = [f"{r[0]} -> {r[3]} {r[4]} {names[(r[3], r[4])]}"
                f"{' partial' if r[5] else ''}{' PRIMARY' if r[6] else ''}"
                for r in lineage if r[1] == level and r[2] == c]
        print(f"spot {level} {c} {old_name}: " + "; ".join(outs))

    show("province", "95")
    show("province", "06")
    show("province", "24")
    show("province", "27")
    show("district", "061")
    show("commune", "01891")
    show("commune", "00016")
    return 0


if __name__ == "__main__":
    sys.exit(main())
