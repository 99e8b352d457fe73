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
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamnong import tabular
from tamnong.access.scope import Scope
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record
from tamnong.decisions.services import record_decision
from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.divisions.services import resolve
from tamnong.tabular import CellError, Column, FileRefused

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
    Column("producer_code", "Mã chủ thể", _T, True, example="CT20-00001"),
    Column("producer_name", "Tên chủ thể", _T, True, example="HTX Nông sản Na Rì"),
    Column(
        "producer_kind", "Loại hình chủ thể", _T, True,
        gettext_lazy(
            "Doanh nghiệp / Hợp tác xã / Tổ hợp tác / Hộ sản xuất kinh doanh có đăng ký"
        ),
        "Hợp tác xã",
    ),
    Column("registration_no", "Số đăng ký kinh doanh", _T, example="4701234567"),
    Column("representative", "Người đại diện", _T, example="Hoàng Thị Lan"),
    Column(
        "commune_code", "Mã xã", _T, True,
        gettext_lazy(
            "Mã xã theo bản đồ hành chính có hiệu lực vào ngày đánh giá (mã cũ trước 01/07/2025)"
        ),
        "01234",
    ),
    Column("address", "Địa chỉ", _T, example="Thôn Nà Pàn"),
    Column("phone", "Điện thoại", _T, example="0912345678"),
    Column("email", "Thư điện tử", _T),
    Column("product_code", "Mã sản phẩm", _T, True, example="CT20-00001-SP00001"),
    Column("product_name", "Tên sản phẩm", _T, True, example="Miến dong Na Rì"),
    Column(
        "set_no", "Bộ sản phẩm (số)", tabular.INTEGER, True,
        gettext_lazy("Số thứ tự bộ sản phẩm theo Phụ lục I Quyết định 148 (1–26)"), 6,
    ),
    Column(
        "regime", "Chế độ đánh giá (1048/148/1489)", _T,
        help=gettext_lazy("Để trống: theo ngày đánh giá"), example="148",
    ),
    Column("council_level", "Cấp hội đồng (huyện/tỉnh/trung ương)", _T, example="huyện"),
    Column(
        "evaluated_on", "Ngày đánh giá", _DATE, True,
        gettext_lazy("dd/mm/yyyy hoặc yyyy-mm-dd"), "15/10/2023",
    ),
    Column("score", "Điểm", tabular.Number(2), True, gettext_lazy("0–100; dấu phẩy thập phân"), 62),
    Column(
        "stars", "Số sao", tabular.INTEGER, True,
        gettext_lazy("1–5; chỉ 3–5 sao có giấy chứng nhận"), 3,
    ),
    Column("decision_no", "Số quyết định công nhận", _T, example="1234/QĐ-UBND"),
    Column("decision_date", "Ngày quyết định", _DATE, example="20/10/2023"),
    Column("issuer", "Cơ quan ban hành", _T, example="UBND huyện Na Rì"),
    Column("certificate_no", "Số giấy chứng nhận", _T, example="OCOP-20-2023-0001"),
    Column("issued_on", "Ngày cấp", _DATE, example="20/10/2023"),
    Column(
        "expires_on", "Ngày hết hạn", _DATE, help=gettext_lazy("Để trống: ngày cấp + thời hạn của chế độ đánh giá")
    ),
    Column("revoked_on", "Ngày thu hồi", _DATE),
    Column("revocation_decision", "Số quyết định thu hồi", _T),
    Column("revocation_reason", "Lý do thu hồi", _T),
    Column("supermarkets", "Siêu thị (phân cách ;)", _T, example="Co.opmart"),
    Column("ecommerce", "Thương mại điện tử (phân cách ;)", _T, example="Shopee"),
    Column("export_countries", "Xuất khẩu (mã nước 2 chữ; phân cách ;)", _T),
]  # fmt: skip
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


def read_rows(name: str, data: bytes, *, sheet: str | None = None) -> list[Row]:
    """Rows keyed by column key; headers are matched by their Vietnamese label (or key), below a
    title block if there is one. Raises FileRefused."""
    table = tabular.open_table(data, name=name, sheet=sheet, limits=LIMITS)
    layout = tabular.find_layout(table, COLUMNS)
    layout.require()
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


def validate(actor, rows: list[Row]) -> None:
    scope = Scope.of(actor) if actor is not None else None
    regimes = {r.key: r for r in Regime.objects.all()}
    sets = set(CriteriaSet.objects.values_list("set_no", flat=True))
    producers_in_file: dict[str, tuple] = {}
    products_in_file: dict[str, tuple] = {}
    certs_in_file: dict[str, int] = {}
    col = {c.key: c for c in COLUMNS}
    for row in rows:
        v: dict = {}
        for c in COLUMNS:
            if c.required and _text(row, c.key) == "":
                row.reject(c.key, _("Bắt buộc nhập."))
        for key in ("evaluated_on", "decision_date", "issued_on", "expires_on", "revoked_on"):
            v[key] = _cell(row, col[key])
        kind = KINDS.get(_text(row, "producer_kind").lower())
        if _text(row, "producer_kind") and kind is None:
            row.reject(
                "producer_kind",
                _("Loại hình «%(kind)s» không hợp lệ.") % {"kind": _text(row, "producer_kind")},
            )
        v["producer_kind"] = kind
        v["set_no"] = _cell(row, col["set_no"])
        if v["set_no"] is not None and v["set_no"] not in sets:
            row.reject("set_no", _("Không có bộ sản phẩm số %(n)s.") % {"n": v["set_no"]})
        v["score"] = _cell(row, col["score"])
        if v["score"] is not None and not 0 <= v["score"] <= 100:
            row.reject("score", _("Điểm phải từ 0 đến 100."))
        v["stars"] = _cell(row, col["stars"])
        if v["stars"] is not None and not 1 <= v["stars"] <= 5:
            row.reject("stars", _("Số sao từ 1 đến 5."))
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
        unit = (
            _division_on(_text(row, "commune_code"), day or dt.date.today())
            if _text(row, "commune_code")
            else None
        )
        if _text(row, "commune_code") and unit is None:
            row.reject(
                "commune_code", _("Không có xã mã %(code)s.") % {"code": _text(row, "commune_code")}
            )
        elif unit is not None and scope is not None and not scope.can_edit(unit):
            row.reject("commune_code", _("Xã nằm ngoài phạm vi của bạn."))
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
        if cert_no:
            if v.get("stars") and regime and v["stars"] not in regime.certified_stars:
                row.reject(
                    "certificate_no",
                    _("Hạng %(stars)s sao không có giấy chứng nhận.") % {"stars": v["stars"]},
                )
            for key in ("decision_no", "decision_date", "issuer", "issued_on"):
                if not _text(row, key):
                    row.reject(key, _("Bắt buộc khi có số giấy chứng nhận."))
            if v.get("issued_on") and v.get("expires_on") and v["expires_on"] <= v["issued_on"]:
                row.reject("expires_on", _("Ngày hết hạn phải sau ngày cấp."))
            if cert_no in certs_in_file:
                row.reject(
                    "certificate_no", _("Trùng với dòng %(row)s.") % {"row": certs_in_file[cert_no]}
                )
            certs_in_file.setdefault(cert_no, row.line)
            existing = Certificate.objects.filter(number=cert_no).select_related("product").first()
            if existing is not None and existing.product.code != _text(row, "product_code"):
                row.reject("certificate_no", _("Số giấy chứng nhận đã dùng cho sản phẩm khác."))
        if v.get("revoked_on"):
            if not cert_no:
                row.reject("revoked_on", _("Chỉ thu hồi khi có giấy chứng nhận."))
            if not _text(row, "revocation_decision"):
                row.reject("revocation_decision", _("Bắt buộc khi có ngày thu hồi."))
            if not _text(row, "revocation_reason"):
                row.reject("revocation_reason", _("Bắt buộc khi có ngày thu hồi."))
        pkey = (_text(row, "producer_name"), v["producer_kind"], unit.pk if unit else None)
        pcode = _text(row, "producer_code")
        if pcode in producers_in_file and producers_in_file[pcode][0] != pkey:
            row.reject(
                "producer_code",
                _("Thông tin chủ thể khác với dòng %(row)s.")
                % {"row": producers_in_file[pcode][1]},
            )
        producers_in_file.setdefault(pcode, (pkey, row.line))
        prod_key = (_text(row, "product_name"), pcode, v.get("set_no"))
        code = _text(row, "product_code")
        if code in products_in_file and products_in_file[code][0] != prod_key:
            row.reject(
                "product_code",
                _("Thông tin sản phẩm khác với dòng %(row)s.") % {"row": products_in_file[code][1]},
            )
        products_in_file.setdefault(code, (prod_key, row.line))
        other = Product.objects.filter(code=code).select_related("producer").first()
        if other is not None and other.producer.code != pcode:
            row.reject("product_code", _("Mã sản phẩm đã thuộc chủ thể khác."))
        row.data["_v"] = v


def _commit_row(actor, row: Row, counts: dict) -> None:
    v = row.data["_v"]
    unit: Division = v["division"]
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
    producer = Producer.objects.filter(code=_text(row, "producer_code")).first()
    if producer is None:
        producer = Producer.objects.create(code=_text(row, "producer_code"), **pfields)
        counts["producers_created"] += 1
    elif any(getattr(producer, k) != val for k, val in pfields.items() if val not in ("", None)):
        for k, val in pfields.items():
            if val not in ("", None):
                setattr(producer, k, val)
        producer.save()
        counts["producers_updated"] += 1
    product = Product.objects.filter(code=_text(row, "product_code")).first()
    if product is None:
        cs = (
            CriteriaSet.objects.filter(set_no=v["set_no"])
            .order_by("-effective_from", "-version")
            .first()
        )
        product = Product.objects.create(
            code=_text(row, "product_code"),
            producer=producer,
            name=_text(row, "product_name"),
            set_no=v["set_no"],
            product_group=cs.product_group,
            product_subgroup=cs.product_subgroup,
            product_set=cs.product_set,
            division=unit,
        )
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
    certified = bool(_text(row, "certificate_no"))
    if dossier is None:
        dossier = Dossier.objects.create(
            product=product,
            kind=Dossier.Kind.IMPORTED,
            state=Dossier.State.RECOGNISED if certified else Dossier.State.NOT_RECOGNISED,
            regime=regime,
            registered_on=v["evaluated_on"],
            mean_score=v["score"],
            band=regime.band(v["score"]),
            stars=v["stars"],
            council_level=v["council_level"],
            evaluated_on=v["evaluated_on"],
            import_key=key,
        )
        counts["evaluations_created"] += 1
    if not certified:
        return
    cert = Certificate.objects.filter(number=_text(row, "certificate_no")).first()
    if cert is None:
        province = resolve(unit, Level.PROVINCE) or unit
        decision = record_decision(
            actor,
            number=_text(row, "decision_no"),
            signed_on=v["decision_date"],
            issuer=_text(row, "issuer"),
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
            score=v["score"],
            number=_text(row, "certificate_no"),
            expires_on=v["expires_on"] or expiry_date(v["issued_on"], regime.certificate_months),
        )
        counts["certificates_created"] += 1
    if v.get("revoked_on") and not Revocation.objects.filter(certificate=cert).exists():
        decision = record_decision(
            actor,
            number=_text(row, "revocation_decision"),
            signed_on=v["revoked_on"],
            issuer=_text(row, "issuer"),
            division=resolve(unit, Level.PROVINCE) or unit,
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


def import_file(actor, name: str, data: bytes, *, partial: bool = False) -> ImportRun:
    """Validate every row, then write the file in one transaction; returns the run with its report."""
    run = ImportRun(
        file_name=name[:255], checksum=hashlib.sha256(data).hexdigest(), created_by=actor
    )
    counts = dict.fromkeys(
        [
            "rows",
            "rejected",
            "producers_created",
            "producers_updated",
            "products_created",
            "evaluations_created",
            "certificates_created",
            "revocations_created",
            "channels_created",
        ],
        0,
    )
    try:
        rows = read_rows(name, data)
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
    if good and (partial or not run.rejected):
        try:
            with transaction.atomic():
                for row in sorted(
                    good, key=lambda r: (r.data["_v"].get("issued_on") or dt.date.min, r.line)
                ):
                    _commit_row(actor, row, counts)
                record(
                    AuditEvent.Action.IMPORT,
                    None,
                    model_label="ocop.ImportRun",
                    object_repr=name[:255],
                    after={k: v for k, v in counts.items() if v},
                    user=actor,
                    note=_("Nhập danh sách OCOP"),
                )
        except ValidationError as exc:
            run.rejected.append({"row": 0, "column": "", "reason": "; ".join(exc.messages)})
        else:
            run.committed = True
    run.counts = counts
    run.save()
    return run


def result_view(run: ImportRun):
    """What the import page says of a run (the one partial `tabular/_result.html`)."""
    from django.urls import reverse

    from tamnong.tabular.display import result_view as view

    c = run.counts or {}
    return view(
        committed=run.committed,
        noun=_("dòng"),
        rows=c.get("rows", 0),
        parts=[
            (c.get("producers_created", 0), _("chủ thể mới")),
            (c.get("producers_updated", 0), _("chủ thể cập nhật")),
            (c.get("products_created", 0), _("sản phẩm mới")),
            (c.get("evaluations_created", 0), _("kết quả đánh giá mới")),
            (c.get("certificates_created", 0), _("giấy chứng nhận mới")),
            (c.get("revocations_created", 0), _("quyết định thu hồi mới")),
            (c.get("channels_created", 0), _("kênh phân phối mới")),
        ],
        faults=run.rejected or [],
        report_url=(
            reverse("ocop:import_rejected", args=[run.pk])
            if run.pk and any(f.get("row") for f in run.rejected or [])
            else ""
        ),
    )


def rejected_csv(run: ImportRun) -> str:
    """The rejected rows as the one error report (Dòng, Cột, Lý do, Giá trị)."""
    return tabular.report_csv(run.rejected)


def _score_text(score) -> str:
    from tamnong.core.formatting import number

    return number(score, 2 if score != int(score) else 0)
