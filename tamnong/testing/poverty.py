"""Poverty test builders: write a household import file from rows; the ministry form's indicators
(bench/poverty_import.py uses them too)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from tamnong.poverty.importing import HEADERS


def row(code, year=2025, commune="10001", village="", head="Nguyễn Văn A", members=4,
        area="", ethnic="", policy="", income=1_000_000, housing="", deprived=""):  # fmt: skip
    return [code, year, commune, village, head, members, area, ethnic, policy, income, housing,
            deprived]  # fmt: skip


def write_xlsx(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ho")
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


# The deprivation indicators of the ministry's review form, by dimension, in the form's column
# order (data/poverty/mappings/danh-sach-ho-ngheo-can-ngheo.json reads them).
MINISTRY_INDICATORS = [
    ("Việc làm", ["Việc làm", "Người phụ thuộc trong hộ gia đình"]),
    ("Y tế", ["Dinh dưỡng", "Bảo hiểm y tế"]),
    ("Giáo dục", ["Trình độ giáo dục của người lớn", "Tình trạng đi học của trẻ em"]),
    ("Nhà ở", ["Chất lượng nhà ở", "Diện tích nhà ở bình quân đầu người"]),
    ("Nước sinh hoạt và vệ sinh", ["Nguồn nước sinh hoạt", "Nhà tiêu hợp vệ sinh"]),
    ("Thông tin", ["Sử dụng dịch vụ viễn thông", "Phương tiện phục vụ tiếp cận thông tin"]),
]
