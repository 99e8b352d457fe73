"""Import of an existing provincial OCOP list (danh sách sản phẩm OCOP) from .xlsx or .csv.

One row = one evaluation of a product (with its certificate when 3★ or more). Every row is
validated first; rejected rows are reported (row, column, reason). Nothing is written when a row is
rejected, unless `partial=True` (then the valid rows are written, all in one transaction).
Re-importing the same file changes nothing: producers, products, evaluations and certificates are
matched by their codes, evaluation date and certificate number.

Evaluations from the 1048 regime and the 148 regime with district councils are imported with their
totals and stars (no criteria sheets exist for them); the regime is taken from the row or from the
evaluation date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamnong import tabular
from tamnong.access.scope import Scope
from tamnong.audit import changes
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record
from tamnong.core.formatting import number
from tamnong.decisions.services import record_decision
from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.divisions.services import resolve
from tamnong.tabular import CellError, Column, FileRefused
from tamnong.tabular.columns import loose_key
from tamnong.tabular.mapping import name_key

from . import services
from .models import (
    Certificate,
    Channel,
    CriteriaSet,
    Dossier,
    ImportRun,
    Producer,
    ProducerKind,
    Product,
    Regime,
    Revocation,
    expiry_date,
)

_T, _DATE = tabular.TEXT, tabular.DATE
# Headers are the file's format (Vietnamese in every language).
COLUMNS = [
    Column(
        "producer_code", "Mã chủ thể", _T,
        help=gettext_lazy("Để trống: hệ thống tìm chủ thể theo tên và xã, hoặc cấp mã mới"),
        example="CT20-00001", synonyms=("Mã số chủ thể",),
    ),
    Column(
        "producer_name", "Tên chủ thể", _T, True, example="HTX Nông sản Na Rì",
        synonyms=("Chủ thể", "Chủ thể sản xuất", "Tên chủ thể sản xuất", "Chủ thể OCOP",
                  "Đơn vị sản xuất", "Cơ sở sản xuất", "Tên doanh nghiệp/HTX", "Chủ sản phẩm"),
    ),
    Column(
        "producer_kind", "Loại hình chủ thể", _T,
        help=gettext_lazy(
            "Doanh nghiệp / Hợp tác xã / Tổ hợp tác / Hộ sản xuất kinh doanh có đăng ký; để "
            "trống: theo tên (HTX…, Công ty…, Tổ hợp tác…, Hộ…), nếu không rõ thì «chưa xác định»"
        ),
        example="Hợp tác xã", synonyms=("Loại hình",),
    ),
    Column("registration_no", "Số đăng ký kinh doanh", _T, example="4701234567"),
    Column("representative", "Người đại diện", _T, example="Hoàng Thị Lan"),
    Column(
        "commune_code", "Mã xã", _T,
        help=gettext_lazy(
            "Mã xã theo bản đồ hành chính có hiệu lực vào ngày đánh giá (mã cũ trước 01/07/2025); "
            "hoặc ghi tên xã ở cột «Xã»"
        ),
        example="01234",
    ),
    Column(
        "commune_name", "Xã", _T,
        help=gettext_lazy(
            "Tên xã/phường (có hoặc không chữ «xã», có dấu hoặc không; tên cũ hoặc mới); thêm "
            "«, huyện …» khi trùng tên"
        ),
        synonyms=("Tên xã", "Xã/phường", "Xã, phường", "Xã, phường, thị trấn", "Địa bàn",
                  "Địa bàn xã", "Đơn vị hành chính"),
    ),
    Column("address", "Địa chỉ", _T, example="Thôn Nà Pàn",
           synonyms=("Địa chỉ chủ thể", "Địa chỉ liên hệ")),
    Column("phone", "Điện thoại", _T, example="0912345678", synonyms=("Số điện thoại",)),
    Column("email", "Thư điện tử", _T, synonyms=("Email",)),
    Column(
        "product_code", "Mã sản phẩm", _T,
        help=gettext_lazy("Để trống: theo tên sản phẩm của chủ thể, hoặc cấp mã mới"),
        example="CT20-00001-SP00001",
    ),
    Column("product_name", "Tên sản phẩm", _T, True, example="Miến dong Na Rì",
           synonyms=("Sản phẩm", "Tên sản phẩm OCOP", "Sản phẩm OCOP")),
    Column(
        "set_no", "Bộ sản phẩm (số)", tabular.INTEGER,
        help=gettext_lazy("Số thứ tự bộ sản phẩm theo Phụ lục I Quyết định 148 (1–26)"),
        example=6,
    ),
    Column(
        "product_set", "Nhóm sản phẩm", _T,
        help=gettext_lazy(
            "Tên bộ sản phẩm, phân nhóm hoặc ngành (ví dụ «Thực phẩm»), khi không có số bộ; "
            "không xác định được một bộ thì ghi «chưa xác định» và báo lại"
        ),
        synonyms=("Bộ sản phẩm", "Ngành", "Nhóm ngành", "Ngành hàng", "Phân nhóm",
                  "Nhóm, bộ sản phẩm", "Ngành/nhóm sản phẩm"),
    ),
    Column(
        "regime", "Chế độ đánh giá (1048/148/1489)", _T,
        help=gettext_lazy("Để trống: theo ngày đánh giá"), example="148",
    ),
    Column("council_level", "Cấp hội đồng (huyện/tỉnh/trung ương)", _T, example="huyện"),
    Column(
        "evaluated_on", "Ngày đánh giá", _DATE,
        help=gettext_lazy("dd/mm/yyyy hoặc yyyy-mm-dd; để trống: ngày quyết định"),
        example="15/10/2023",
    ),
    Column(
        "score", "Điểm", tabular.Number(2),
        help=gettext_lazy("0–100; dấu phẩy thập phân; để trống: «nhập, không ghi điểm»"),
        example=62, synonyms=("Điểm đánh giá", "Tổng điểm"),
    ),
    Column(
        "stars", "Số sao", _T, True, gettext_lazy("1–5 («3», «3 sao», «★★★»)"), 3,
        synonyms=("Hạng sao", "Xếp hạng", "Hạng", "Số sao OCOP", "Kết quả xếp hạng",
                  "Sao", "Hạng sao OCOP"),
    ),
    Column("decision_no", "Số quyết định công nhận", _T, example="1234/QĐ-UBND",
           synonyms=("Quyết định công nhận", "Số quyết định", "Số QĐ", "Quyết định",
                     "Số QĐ công nhận")),
    Column("decision_date", "Ngày quyết định", _DATE, example="20/10/2023",
           synonyms=("Ngày QĐ", "Ngày công nhận", "Ngày ký", "Ngày ký quyết định")),
    Column(
        "issuer", "Cơ quan ban hành", _T, example="UBND huyện Na Rì",
        help=gettext_lazy("Để trống: Ủy ban nhân dân của tỉnh có xã"),
    ),
    Column("certificate_no", "Số giấy chứng nhận", _T, example="OCOP-20-2023-0001"),
    Column("issued_on", "Ngày cấp", _DATE, example="20/10/2023",
           help=gettext_lazy("Để trống: ngày quyết định")),
    Column(
        "expires_on", "Ngày hết hạn", _DATE,
        help=gettext_lazy("Để trống: ngày cấp + thời hạn của chế độ đánh giá"),
        synonyms=("Thời hạn", "Hiệu lực đến", "Ngày hết hiệu lực", "Thời hạn hiệu lực"),
    ),
    Column("revoked_on", "Ngày thu hồi", _DATE),
    Column("revocation_decision", "Số quyết định thu hồi", _T),
    Column("revocation_reason", "Lý do thu hồi", _T),
    Column("supermarkets", "Siêu thị (phân cách ;)", _T, example="Co.opmart"),
    Column("ecommerce", "Thương mại điện tử (phân cách ;)", _T, example="Shopee"),
    Column("export_countries", "Xuất khẩu (mã nước 2 chữ; phân cách ;)", _T),
]  # fmt: skip
UNKNOWN = "chưa xác định"  # a product set or producer kind the list does not give
UNKNOWN_SET = 0  # the set number of a product whose set is "chưa xác định"
# The kind a producer's name states (its first words), when the list has no kind column.
NAME_KINDS = (
    ("hop tac xa", "cooperative"),
    ("htx", "cooperative"),
    ("to hop tac", "coop_group"),
    ("tht", "coop_group"),
    ("cong ty", "enterprise"),
    ("doanh nghiep", "enterprise"),
    ("dntn", "enterprise"),
    ("ho kinh doanh", "household"),
    ("ho san xuat", "household"),
    ("ho ", "household"),
    ("co so", "household"),
)
_STARS = re.compile(r"^\s*([1-5])\s*(?:sao|\*+|★+)?\s*$", re.IGNORECASE)
LABEL = {c.key: c.header for c in COLUMNS}
KINDS = (
    {str(label).lower(): value for value, label in ProducerKind.choices}
    | {v: v for v in ProducerKind.values}
    | {
        "dn": "enterprise",
        "htx": "cooperative",
        "tht": "coop_group",
        "hộ": "household",
        "hộ kinh doanh": "household",
    }
)
REGIMES = {
    "1048": "qd1048",
    "148": "qd148",
    "1489": "qd148-1489",
    "148-1489": "qd148-1489",
    "148/1489": "qd148-1489",
}
LEVELS = {"huyện": "district", "tỉnh": "province", "trung ương": "central", "xã": "commune"}
MAX_BYTES = 20 * 1024 * 1024
LIMITS = tabular.Limits(max_bytes=MAX_BYTES, max_rows=200_000)


@dataclass
class Row:
    line: int
    data: dict
    errors: list[dict] = field(default_factory=list)

    def reject(self, key: str, reason: str) -> None:
        fault = {"row": self.line, "column": LABEL.get(key, key), "reason": reason}
        value = tabular.cell_text(self.data.get(key, ""))
        if value:
            fault["value"] = value[:200]
        self.errors.append(fault)


def template_xlsx() -> bytes:
    """The template: the header, the example on its own sheet, the guide."""
    return tabular.template_xlsx(COLUMNS, sheet=_("Danh sách OCOP"))


def read_rows(
    name: str,
    data: bytes,
    *,
    sheet: str | None = None,
    actor=None,
    mapping: dict | None = None,
) -> list[Row]:
    """Rows keyed by column key; headers are matched by their Vietnamese label, key or synonyms
    (and the organisation's saved mapping for this file shape), below a title block if there is
    one. Raises FileRefused."""
    table = tabular.open_table(data, name=name, sheet=sheet, limits=LIMITS)
    layout = read_layout(table, actor, mapping)
    layout.require()
    if "commune_code" not in layout.positions and "commune_name" not in layout.positions:
        raise FileRefused(
            "columns", _("Thiếu cột bắt buộc: %(cols)s.") % {"cols": _("Mã xã hoặc Xã")}
        )
    positions = layout.positions
    rows = []
    for index, values in enumerate(table):
        if index < layout.data_start or tabular.is_blank(values):
            continue
        data_ = {k: (values[p] if p < len(values) else "") for k, p in positions.items()}
        rows.append(Row(index + 1, {k: ("" if v is None else v) for k, v in data_.items()}))
    if not rows:
        raise FileRefused("empty", _("Tệp không có dữ liệu."))
    return rows


def read_layout(table, actor, mapping: dict | None = None):
    """The layout of an OCOP list: with `mapping` when given, else with the saved mapping of the
    uploader's organisation for this file shape."""
    from tamnong.tabular.mapping import layout_for

    if mapping is not None:
        return tabular.find_layout(table, COLUMNS, mapping=mapping)
    layout, _shape = layout_for(table, COLUMNS, import_key="ocop", user=actor)
    return layout


def _text(row: Row, key: str) -> str:
    return tabular.cell_text(row.data.get(key, ""))


def _cell(row: Row, column: Column):
    """The cell of `column` parsed by its kind; a fault is added to the row (None returned)."""
    try:
        return column.kind.parse(row.data.get(column.key, ""))
    except CellError as exc:
        row.reject(column.key, exc.reason)
        return None


def _division_on(code: str, day: dt.date) -> Division | None:
    newest_first = list(MapVersion.objects.order_by(F("valid_from").desc(nulls_last=True)))
    for mv in [m for m in newest_first if m.is_valid_on(day)] + newest_first:
        unit = Division.objects.filter(map=mv, level=Level.COMMUNE, code=code).first()
        if unit is not None:
            return unit
    return None


def _stars(row: Row) -> int | None:
    value = row.data.get("stars", "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if value == int(value) and 1 <= value <= 5 else _bad_stars(row)
    text = tabular.cell_text(value)
    if not text:
        return None
    if set(text) <= {"★", "☆", " "} and text.count("★"):
        return text.count("★")
    m = _STARS.match(text)
    return int(m.group(1)) if m else _bad_stars(row)


def _bad_stars(row: Row) -> None:
    row.reject("stars", _("Số sao từ 1 đến 5 (ví dụ «3», «3 sao» hoặc «★★★»)."))
    return None


def kind_from_name(name: str) -> str:
    """The producer kind its name states ("HTX Nông sản…" → cooperative), or ""."""
    key = loose_key(name) + " "
    for prefix, kind in NAME_KINDS:
        if key.startswith(prefix + ("" if prefix.endswith(" ") else " ")):
            return kind
    return ""


class SetResolver:
    """The product set of a row given by its number, or by its set name, subgroup or group word
    ("Thực phẩm") resolved by the criteria sets of the regime data: one set → its number; several
    or none → "chưa xác định" (reported), keeping the group the word names."""

    def __init__(self) -> None:
        self.sets = list(CriteriaSet.objects.order_by("set_no", "-effective_from", "-version"))
        self.numbers = {cs.set_no for cs in self.sets}
        self.by_name: dict[str, set[int]] = {}
        self.groups: dict[str, str] = {}
        for cs in self.sets:
            for text in (cs.product_set, cs.product_subgroup, cs.product_group):
                if text:
                    self.by_name.setdefault(loose_key(text), set()).add(cs.set_no)
            self.groups[loose_key(cs.product_group)] = cs.product_group

    def resolve(self, text: str) -> tuple[int | None, str]:
        """(set number or None, the group the text names or "")."""
        key = loose_key(text)
        numbers = self.by_name.get(key, set())
        if len(numbers) == 1:
            return next(iter(numbers)), ""
        return None, self.groups.get(key, "")

    def latest(self, set_no: int) -> CriteriaSet | None:
        return next((cs for cs in self.sets if cs.set_no == set_no), None)


def _producer_key(row: Row, unit) -> tuple:
    """Who the producer of a row is when the list gives no code: its name in its commune."""
    place = (unit.current_id or unit.pk) if unit is not None else None
    return ("name", name_key(_text(row, "producer_name")), place)


def validate(actor, rows: list[Row]) -> None:
    from tamnong.tabular.names import UnitMatcher

    scope = Scope.of(actor) if actor is not None else None
    regimes = {r.key: r for r in Regime.objects.all()}
    set_resolver = SetResolver()
    communes = None
    producers_in_file: dict[tuple, tuple] = {}
    products_in_file: dict[tuple, tuple] = {}
    certs_in_file: dict[str, int] = {}
    col = {c.key: c for c in COLUMNS}
    for row in rows:
        v: dict = {"notes": []}
        for c in COLUMNS:
            if c.required and _text(row, c.key) == "":
                row.reject(c.key, _("Bắt buộc nhập."))
        for key in ("evaluated_on", "decision_date", "issued_on", "expires_on", "revoked_on"):
            v[key] = _cell(row, col[key])
        v["evaluated_on"] = v["evaluated_on"] or v["decision_date"] or v["issued_on"]
        if v["evaluated_on"] is None and not any(
            _text(row, k) for k in ("evaluated_on", "decision_date", "issued_on")
        ):
            row.reject("evaluated_on", _("Cần ngày đánh giá hoặc ngày quyết định."))
        v["issued_on"] = v["issued_on"] or v["decision_date"]
        kind = KINDS.get(_text(row, "producer_kind").lower())
        if _text(row, "producer_kind") and kind is None:
            row.reject(
                "producer_kind",
                _("Loại hình «%(kind)s» không hợp lệ.") % {"kind": _text(row, "producer_kind")},
            )
        if not _text(row, "producer_kind"):
            kind = kind_from_name(_text(row, "producer_name"))
            if not kind:
                v["notes"].append("kind_unknown")
        v["producer_kind"] = kind or ""
        v["set_no"] = _cell(row, col["set_no"])
        v["product_group"] = ""
        if v["set_no"] is not None and v["set_no"] not in set_resolver.numbers:
            row.reject("set_no", _("Không có bộ sản phẩm số %(n)s.") % {"n": v["set_no"]})
        elif v["set_no"] is None and not _text(row, "set_no"):
            v["set_no"], v["product_group"] = set_resolver.resolve(_text(row, "product_set"))
            if v["set_no"] is None:
                v["set_no"] = UNKNOWN_SET
                v["notes"].append("set_unknown")
        v["score"] = _cell(row, col["score"])
        if v["score"] is not None and not 0 <= v["score"] <= 100:
            row.reject("score", _("Điểm phải từ 0 đến 100."))
        if v["score"] is None and not _text(row, "score"):
            v["notes"].append("score_not_recorded")
        v["stars"] = _stars(row)
        day = v.get("evaluated_on")
        regime = None
        if _text(row, "regime"):
            regime = regimes.get(
                REGIMES.get(_text(row, "regime").lower().replace("qđ", "").strip(), "")
            )
            if regime is None:
                row.reject("regime", _("Chế độ phải là 1048, 148 hoặc 1489."))
        elif day:
            regime = Regime.on(day)
            if regime is None:
                row.reject("evaluated_on", _("Không có chế độ OCOP nào áp dụng cho ngày này."))
        v["regime"] = regime
        level = _text(row, "council_level").lower()
        v["council_level"] = LEVELS.get(level, "") if level else ""
        if level and not v["council_level"]:
            row.reject("council_level", _("Cấp hội đồng phải là huyện, tỉnh hoặc trung ương."))
        unit = None
        if _text(row, "commune_code"):
            unit = _division_on(_text(row, "commune_code"), day or dt.date.today())
            if unit is None:
                row.reject(
                    "commune_code",
                    _("Không có xã mã %(code)s.") % {"code": _text(row, "commune_code")},
                )
            elif scope is not None and not scope.can_edit(unit):
                row.reject("commune_code", _("Xã nằm ngoài phạm vi của bạn."))
                unit = None
        elif _text(row, "commune_name"):
            if communes is None:
                communes = UnitMatcher(actor, Level.COMMUNE)
            unit, reason = communes.match(_text(row, "commune_name"), day)
            if reason:
                row.reject("commune_name", reason)
        else:
            row.reject("commune_name", _("Cần mã xã hoặc tên xã."))
        v["division"] = unit
        if regime and v.get("score") is not None and v.get("stars"):
            band = regime.band(v["score"])
            if v["stars"] > band:
                row.reject(
                    "stars",
                    _("%(stars)s sao vượt hạng theo điểm %(score)s (%(band)s sao).")
                    % {"stars": v["stars"], "score": _score_text(v["score"]), "band": band},
                )
        cert_no = _text(row, "certificate_no")
        # a recognition: a certificate number, or a decision for a rank the regime certifies
        certified = bool(cert_no) or bool(
            _text(row, "decision_no")
            and regime
            and v.get("stars")
            and v["stars"] in regime.certified_stars
        )
        v["certified"] = certified
        if certified:
            if cert_no and v.get("stars") and regime and v["stars"] not in regime.certified_stars:
                row.reject(
                    "certificate_no",
                    _("Hạng %(stars)s sao không có giấy chứng nhận.") % {"stars": v["stars"]},
                )
            if not _text(row, "decision_no"):
                row.reject("decision_no", _("Bắt buộc khi có số giấy chứng nhận."))
            if (
                not v["issued_on"]
                and not _text(row, "issued_on")
                and not _text(row, "decision_date")
            ):
                row.reject("decision_date", _("Cần ngày quyết định hoặc ngày cấp."))
            if v.get("issued_on") and v.get("expires_on") and v["expires_on"] <= v["issued_on"]:
                row.reject("expires_on", _("Ngày hết hạn phải sau ngày cấp."))
            if cert_no:
                if cert_no in certs_in_file:
                    row.reject(
                        "certificate_no",
                        _("Trùng với dòng %(row)s.") % {"row": certs_in_file[cert_no]},
                    )
                certs_in_file.setdefault(cert_no, row.line)
                existing = (
                    Certificate.objects.filter(number=cert_no).select_related("product").first()
                )
                if (
                    existing is not None
                    and _text(row, "product_code")
                    and existing.product.code != _text(row, "product_code")
                ):
                    row.reject("certificate_no", _("Số giấy chứng nhận đã dùng cho sản phẩm khác."))
        if v.get("revoked_on"):
            if not certified:
                row.reject("revoked_on", _("Chỉ thu hồi khi có giấy chứng nhận."))
            if not _text(row, "revocation_decision"):
                row.reject("revocation_decision", _("Bắt buộc khi có ngày thu hồi."))
            if not _text(row, "revocation_reason"):
                row.reject("revocation_reason", _("Bắt buộc khi có ngày thu hồi."))
        pcode = _text(row, "producer_code")
        pident = ("code", pcode) if pcode else _producer_key(row, unit)
        v["producer_ident"] = pident
        pkey = (
            name_key(_text(row, "producer_name")),
            v["producer_kind"],
            unit.pk if unit else None,
        )
        if pcode and pident in producers_in_file and producers_in_file[pident][0] != pkey:
            row.reject(
                "producer_code",
                _("Thông tin chủ thể khác với dòng %(row)s.")
                % {"row": producers_in_file[pident][1]},
            )
        producers_in_file.setdefault(pident, (pkey, row.line))
        code = _text(row, "product_code")
        prod_ident = ("code", code) if code else (pident, name_key(_text(row, "product_name")))
        v["product_ident"] = prod_ident
        prod_key = (name_key(_text(row, "product_name")), pident, v.get("set_no"))
        if code and prod_ident in products_in_file and products_in_file[prod_ident][0] != prod_key:
            row.reject(
                "product_code",
                _("Thông tin sản phẩm khác với dòng %(row)s.")
                % {"row": products_in_file[prod_ident][1]},
            )
        products_in_file.setdefault(prod_ident, (prod_key, row.line))
        if code and pcode:
            other = Product.objects.filter(code=code).select_related("producer").first()
            if other is not None and other.producer.code != pcode:
                row.reject("product_code", _("Mã sản phẩm đã thuộc chủ thể khác."))
        row.data["_v"] = v


class _Registry:
    """Producers and products of the commit, found by code or, for a list without codes, by
    name (a producer's name in its commune; a product's name at its producer), so that a
    re-import of the same file matches the same records."""

    def __init__(self) -> None:
        self.producers: dict[tuple, Producer] = {}
        self.products: dict[tuple, Product] = {}

    def producer(self, ident: tuple, unit) -> Producer | None:
        if ident in self.producers:
            return self.producers[ident]
        if ident[0] == "code":
            found = Producer.objects.filter(code=ident[1]).first()
        else:
            found = None
            place = ident[2]
            candidates = Producer.objects.filter(
                Q(division_id=place) | Q(division__current_id=place)
            )
            for p in candidates:
                if name_key(p.name) == ident[1]:
                    found = p
                    break
        if found is not None:
            self.producers[ident] = found
        return found

    def product(self, ident: tuple, producer: Producer) -> Product | None:
        if ident in self.products:
            return self.products[ident]
        if ident[0] == "code":
            found = Product.objects.filter(code=ident[1]).first()
        else:
            found = next((p for p in producer.products.all() if name_key(p.name) == ident[1]), None)
        if found is not None:
            self.products[ident] = found
        return found


def _commit_row(actor, row: Row, counts: dict, known: _Registry) -> None:
    from .services.registry import _next_code

    v = row.data["_v"]
    unit: Division = v["division"]
    province = resolve(unit, Level.PROVINCE) or unit
    pfields = {
        "name": _text(row, "producer_name"),
        "kind": v["producer_kind"],
        "registration_no": _text(row, "registration_no"),
        "representative": _text(row, "representative"),
        "division": unit,
        "address": _text(row, "address"),
        "phone": _text(row, "phone"),
        "email": _text(row, "email"),
    }
    producer = known.producer(v["producer_ident"], unit)
    if producer is None:
        code = _text(row, "producer_code") or _next_code(f"CT{province.code}-", Producer)
        producer = Producer.objects.create(code=code, **pfields)
        known.producers[v["producer_ident"]] = producer
        counts["producers_created"] += 1
    elif any(getattr(producer, k) != val for k, val in pfields.items() if val not in ("", None)):
        for k, val in pfields.items():
            if val not in ("", None):
                setattr(producer, k, val)
        producer.save()
        counts["producers_updated"] += 1
    product = known.product(v["product_ident"], producer)
    if product is None:
        cs = known_set = None
        if v["set_no"]:
            cs = (
                CriteriaSet.objects.filter(set_no=v["set_no"])
                .order_by("-effective_from", "-version")
                .first()
            )
        known_set = cs is not None
        code = _text(row, "product_code") or _next_code(f"{producer.code}-SP", Product)
        product = Product.objects.create(
            code=code,
            producer=producer,
            name=_text(row, "product_name"),
            set_no=v["set_no"] if known_set else UNKNOWN_SET,
            product_group=cs.product_group if known_set else (v["product_group"] or UNKNOWN),
            product_subgroup=cs.product_subgroup if known_set else "",
            product_set=cs.product_set if known_set else UNKNOWN,
            division=unit,
        )
        known.products[v["product_ident"]] = product
        counts["products_created"] += 1
    for key, kind in (
        ("supermarkets", Channel.Kind.SUPERMARKET),
        ("ecommerce", Channel.Kind.ECOMMERCE),
    ):
        for name in filter(None, (s.strip() for s in _text(row, key).split(";"))):
            _obj, created = Channel.objects.get_or_create(product=product, kind=kind, name=name)
            counts["channels_created"] += int(created)
    for country in filter(
        None, (s.strip().upper() for s in _text(row, "export_countries").split(";"))
    ):
        _obj, created = Channel.objects.get_or_create(
            product=product,
            kind=Channel.Kind.EXPORT,
            name=country,
            defaults={"country": country[:2]},
        )
        counts["channels_created"] += int(created)
    regime: Regime = v["regime"]
    key = f"{product.code}|{v['evaluated_on'].isoformat()}"
    dossier = Dossier.objects.filter(import_key=key).first()
    certified = v["certified"]
    score = v["score"]
    if dossier is None:
        dossier = Dossier.objects.create(
            product=product,
            kind=Dossier.Kind.IMPORTED,
            state=Dossier.State.RECOGNISED if certified else Dossier.State.NOT_RECOGNISED,
            regime=regime,
            registered_on=v["evaluated_on"],
            mean_score=score,
            band=regime.band(score) if score is not None else None,
            stars=v["stars"],
            council_level=v["council_level"],
            evaluated_on=v["evaluated_on"],
            import_key=key,
            # "imported, score not recorded": the list gives the rank only
            result={} if score is not None else {"imported": True, "score_recorded": False},
        )
        counts["evaluations_created"] += 1
    if not certified:
        return
    cert_no = _text(row, "certificate_no")
    if cert_no:
        cert = Certificate.objects.filter(number=cert_no).first()
    else:
        cert = Certificate.objects.filter(product=product, issued_on=v["issued_on"]).first()
    if cert is None:
        issuer = _text(row, "issuer") or _("UBND %(province)s") % {"province": province.name}
        decision = record_decision(
            actor,
            number=_text(row, "decision_no"),
            signed_on=v["decision_date"] or v["issued_on"],
            issuer=issuer,
            division=province,
            kind="ocop_recognition",
            subject=_("Công nhận sản phẩm OCOP (nhập từ danh sách)"),
        )
        cert = services.issue_certificate(
            actor,
            product=product,
            decision=decision,
            stars=v["stars"],
            issued_on=v["issued_on"],
            regime=regime,
            dossier=dossier,
            score=score,
            number=cert_no,
            expires_on=v["expires_on"] or expiry_date(v["issued_on"], regime.certificate_months),
        )
        counts["certificates_created"] += 1
    if v.get("revoked_on") and not Revocation.objects.filter(certificate=cert).exists():
        decision = record_decision(
            actor,
            number=_text(row, "revocation_decision"),
            signed_on=v["revoked_on"],
            issuer=_text(row, "issuer") or _("UBND %(province)s") % {"province": province.name},
            division=province,
            kind="ocop_revocation",
            subject=_("Thu hồi giấy chứng nhận OCOP %(n)s") % {"n": cert.number},
        )
        Revocation.objects.create(
            certificate=cert,
            decision=decision,
            revoked_on=v["revoked_on"],
            reason=_text(row, "revocation_reason"),
        )
        counts["revocations_created"] += 1


COUNTS = [
    "rows",
    "rejected",
    "producers_created",
    "producers_updated",
    "products_created",
    "evaluations_created",
    "certificates_created",
    "revocations_created",
    "channels_created",
    "sets_unknown",
    "scores_not_recorded",
    "kinds_unknown",
]


class _DryRun(Exception):
    """Roll the preview's writes back."""


def import_file(
    actor,
    name: str,
    data: bytes,
    *,
    partial: bool = False,
    mapping: dict | None = None,
    dry_run: bool = False,
    progress=None,
) -> ImportRun:
    """Validate every row, then write the file in one transaction; returns the run with its report.

    `dry_run`: the preview — every row is checked and written exactly as the import would, then
    everything is rolled back; the run (not saved) has the counts of what would be created,
    updated and rejected (it is saved only when rows were rejected, for its error report).
    `mapping`: {header: column key} (default: the organisation's saved mapping for this file
    shape). `progress(done, total, message)`: called while the rows are written."""
    run = ImportRun(
        file_name=name[:255], checksum=hashlib.sha256(data).hexdigest(), created_by=actor
    )
    counts = dict.fromkeys(COUNTS, 0)
    try:
        rows = read_rows(name, data, actor=actor, mapping=mapping)
    except FileRefused as exc:
        run.rejected = [{"row": 0, "column": "", "reason": str(exc)}]
        run.counts = counts
        run.save()
        return run
    validate(actor, rows)
    good = [r for r in rows if not r.errors]
    run.rejected = [e for r in rows for e in r.errors]
    counts["rows"] = len(rows)
    counts["rejected"] = len(rows) - len(good)
    for r in good:
        notes = r.data["_v"]["notes"]
        counts["sets_unknown"] += "set_unknown" in notes
        counts["scores_not_recorded"] += "score_not_recorded" in notes
        counts["kinds_unknown"] += "kind_unknown" in notes
    if good and (partial or not run.rejected):
        try:
            with transaction.atomic():
                run.save()  # the import's id names its change table (audit.changes)
                known = _Registry()
                ordered = sorted(
                    good, key=lambda r: (r.data["_v"].get("issued_on") or dt.date.min, r.line)
                )
                with changes.recording(changes.run_key("ocop.ImportRun", run.pk)):
                    for done, row in enumerate(ordered, start=1):
                        _commit_row(actor, row, counts, known)
                        if progress is not None and (done % 50 == 0 or done == len(ordered)):
                            progress(done, len(ordered), _("Đang ghi dữ liệu…"))
                if dry_run:
                    raise _DryRun
                record(
                    AuditEvent.Action.IMPORT,
                    None,
                    object_id=run.pk,
                    model_label="ocop.ImportRun",
                    object_repr=name[:255],
                    after={k: v for k, v in counts.items() if v},
                    user=actor,
                    note=_("Nhập danh sách OCOP"),
                )
        except _DryRun:
            run.pk = None  # rolled back with everything else: a preview keeps no run
        except ValidationError as exc:  # a decision or certificate refused (DecisionError…)
            run.pk = None
            run.rejected.append({"row": 0, "column": "", "reason": "; ".join(exc.messages)})
        else:
            run.committed = True
    run.counts = counts
    if not dry_run or run.rejected:
        run.save()
    return run


def result_view(run: ImportRun, *, preview: bool = False):
    """What the import page says of a run (the one partial `tabular/_result.html`); `preview`:
    what the import would do (nothing written yet)."""
    from django.urls import reverse

    from tamnong.tabular.display import result_view as view

    c = run.counts or {}
    parts = [
        (c.get("producers_created", 0), _("chủ thể mới")),
        (c.get("producers_updated", 0), _("chủ thể cập nhật")),
        (c.get("products_created", 0), _("sản phẩm mới")),
        (c.get("evaluations_created", 0), _("kết quả đánh giá mới")),
        (c.get("certificates_created", 0), _("giấy chứng nhận mới")),
        (c.get("revocations_created", 0), _("quyết định thu hồi mới")),
        (c.get("channels_created", 0), _("kênh phân phối mới")),
    ]
    out = view(
        preview=preview,
        committed=run.committed or (preview and not run.rejected),
        noun=_("dòng"),
        rows=c.get("rows", 0),
        parts=parts,
        faults=run.rejected or [],
        report_url=(
            reverse("ocop:import_rejected", args=[run.pk])
            if run.pk and any(f.get("row") for f in run.rejected or [])
            else ""
        ),
    )
    notes = [
        (c.get("sets_unknown", 0), _("%(n)s sản phẩm chưa xác định bộ sản phẩm (ghi «chưa xác định»).")),
        (c.get("scores_not_recorded", 0), _("%(n)s kết quả đánh giá nhập không có điểm («nhập, không ghi điểm»).")),
        (c.get("kinds_unknown", 0), _("%(n)s dòng không rõ loại hình chủ thể (ghi «chưa xác định»).")),
    ]  # fmt: skip
    for n, text in notes:
        if n and not out.refused:
            out.sentences.append(text % {"n": number(n)})
    return out


def rejected_csv(run: ImportRun) -> str:
    """The rejected rows as the one error report (Dòng, Cột, Lý do, Giá trị)."""
    return tabular.report_csv(run.rejected)


def _score_text(score) -> str:
    return number(score, 2 if score != int(score) else 0)
