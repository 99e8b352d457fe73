"""What an import result page says (kết quả nhập), the same way for every import.

`ResultView` is what the one partial `templates/tabular/_result.html` shows: a headline, the
counts as Vietnamese sentences ("Đã nhập 1.581 hộ: 1.200 hộ mới, 381 hộ cập nhật."), the message
of a refused file ("Tệp không phải là bảng tính đọc được …", never "1 dòng lỗi"), the first faults
(row, column, reason: every fault of a row, not only the first) and the link to the downloadable
error report. Each import builds it from its own result (`result_view`); nothing of the result's
internals (a server path, how the rows were stored) is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tamnong.core.formatting import number

SHOWN = 200  # faults shown on the page; the report has them all


@dataclass
class ResultView:
    committed: bool
    headline: str
    sentences: list[str] = field(default_factory=list)
    refused: str = ""  # the message of a file refused as a whole
    faults: list[dict] = field(default_factory=list)  # row, column, reason (the first ones)
    fault_count: int = 0
    report_url: str = ""

    @property
    def more(self) -> int:
        return max(self.fault_count - len(self.faults), 0)


def counted(n: int, noun: str) -> str:
    """ "1.581 hộ" (the noun does not change with the number in Vietnamese)."""
    return f"{number(n)} {noun}"


def parts_sentence(parts: Sequence[tuple[int, str]]) -> str:
    """ "1.200 hộ mới, 381 hộ cập nhật" from (count, phrase) pairs, zero counts left out."""
    return ", ".join(counted(n, phrase) for n, phrase in parts if n)


def _fault_dict(fault) -> dict:
    if isinstance(fault, dict):
        return {k: fault.get(k, "") for k in ("row", "column", "reason")}
    if hasattr(fault, "as_dict"):
        return _fault_dict(fault.as_dict())
    row, column, reason = list(fault)[:3]
    return {"row": row, "column": column, "reason": reason}


def result_view(
    *,
    committed: bool,
    noun: str,
    rows: int = 0,
    parts: Sequence[tuple[int, str]] = (),
    faults: Iterable = (),
    fault_count: int | None = None,
    fault_rows: int | None = None,
    report_url: str = "",
    unchanged_note: str = "",
    preview: bool = False,
) -> ResultView:
    """The page of one import. `noun`: what a row is ("hộ", "dòng"); `parts`: (count, phrase)
    of what was written ("hộ mới", "hộ cập nhật"); `faults`: the faults kept (dicts, Faults or
    (row, column, reason)); `fault_count`/`fault_rows`: all faults and rows with a fault, when
    more were found than kept. `preview`: what the import will do once confirmed (nothing is
    written yet): "Sẽ nhập …"."""
    faults = [_fault_dict(f) for f in faults]
    whole_file = [f for f in faults if not f["row"]]
    row_faults = [f for f in faults if f["row"]]
    count = len(faults) if fault_count is None else fault_count
    if fault_rows is None:
        fault_rows = len({f["row"] for f in row_faults})
    view = ResultView(committed=committed, headline="", fault_count=count, report_url=report_url)
    if whole_file and not row_faults:
        view.headline = _("Không nhập được tệp")
        view.refused = " ".join(str(f["reason"]) for f in whole_file)
        view.sentences = [_("Không ghi dữ liệu nào. Hãy sửa tệp rồi tải lên lại.")]
        view.fault_count = 0
        view.report_url = ""
        return view
    if committed:
        view.headline = _("Xem trước: chưa ghi dữ liệu nào") if preview else _("Đã nhập xong")
        written = parts_sentence(parts)
        if written:
            sentence = (
                _("Sẽ nhập %(rows)s: %(parts)s.") if preview else _("Đã nhập %(rows)s: %(parts)s.")
            )
            view.sentences.append(sentence % {"rows": counted(rows, noun), "parts": written})
        else:
            view.sentences.append(
                unchanged_note
                or _("Đã đọc %(rows)s; không có gì thay đổi (dữ liệu đã có trong hệ thống).")
                % {"rows": counted(rows, noun)}
            )
        if row_faults:  # a partial import: the rejected rows were left out
            view.sentences.append(
                _("%(n)s dòng có lỗi không được nhập (xem báo cáo lỗi).")
                % {"n": number(fault_rows)}
            )
    else:
        view.headline = _("Tệp sẽ bị từ chối") if preview else _("Tệp bị từ chối")
        view.sentences.append(
            _("%(n)s dòng có lỗi (%(faults)s lỗi); không ghi dữ liệu nào.")
            % {"n": number(fault_rows), "faults": number(count)}
        )
        view.sentences.append(_("Hãy sửa các dòng trong báo cáo lỗi rồi tải lên lại cả tệp."))
        for f in whole_file:  # e.g. a failure of the commit itself
            view.sentences.append(str(f["reason"]))
    view.faults = row_faults[:SHOWN]
    return view
