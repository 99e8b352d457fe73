"""Tabular imports (nhập bảng tính): one reader, one cell parser, one error report, one template.

Every import of the platform (poverty reviews, funding, the OCOP registry, NTM criteria cells)
goes through this package, so that a cell means the same thing everywhere:

    table = open_table(path, name="ds.xlsx")          # reading.py: xlsx/xls/ods/csv, bounded
    layout = find_layout(table, COLUMNS)              # columns.py: header below a title, 2–3 rows
    layout.require()                                  # FileRefused: missing columns
    faults = FaultLog()
    for rowno, values, ok in read_rows(table, layout, faults):   # cells.py: the kinds
        ...
    report_csv(faults.faults)                         # faults.py: Dòng, Cột, Lý do, Giá trị

The meaning of every ambiguous cell ("1.500", "1,500", 0.125 in a percentage column, "03/02/2023")
is decided and documented in `cells.py`.
"""

from .cells import (
    DATE,
    INTEGER,
    MONEY,
    NO_WORDS,
    TEXT,
    YEAR,
    YES_NO,
    YES_WORDS,
    CellError,
    Date,
    Integer,
    Kind,
    Money,
    Number,
    Percent,
    Text,
    Year,
    YesNo,
    cell_text,
    number_text,
    threshold,
    yes_no_word,
)
from .columns import (
    Column,
    Layout,
    find_layout,
    header_key,
    is_blank,
    is_footer,
    merge_header_rows,
    read_rows,
)
from .errors import FileRefused
from .faults import Fault, FaultLog, escape_formula, inert_formulas, report_csv, report_xlsx
from .outcome import Outcome
from .reading import DEFAULT_LIMITS, Limits, Table, detect_delimiter, detect_encoding, open_table
from .templates import template_csv, template_xlsx

__all__ = [
    "DATE",
    "DEFAULT_LIMITS",
    "INTEGER",
    "MONEY",
    "NO_WORDS",
    "TEXT",
    "YEAR",
    "YES_NO",
    "YES_WORDS",
    "CellError",
    "Column",
    "Date",
    "Fault",
    "FaultLog",
    "FileRefused",
    "Integer",
    "Kind",
    "Layout",
    "Limits",
    "Money",
    "Number",
    "Outcome",
    "Percent",
    "Table",
    "Text",
    "Year",
    "YesNo",
    "cell_text",
    "detect_delimiter",
    "detect_encoding",
    "escape_formula",
    "find_layout",
    "header_key",
    "inert_formulas",
    "is_blank",
    "is_footer",
    "merge_header_rows",
    "number_text",
    "open_table",
    "read_rows",
    "report_csv",
    "report_xlsx",
    "template_csv",
    "template_xlsx",
    "threshold",
    "yes_no_word",
]
