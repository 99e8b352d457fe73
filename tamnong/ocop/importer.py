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

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from tamnong.access.scope import Scope
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record
from tamnong.decisions.services import record_decision
from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.divisions.services import resolve

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

# (key, Vietnamese header, required)
COLUMNS = [
    ("producer_code", "Mã chủ thể", True),
    ("producer_name", "Tên chủ thể", True),
    ("producer_kind", "Loại hình chủ thể", True),
    ("registration_no", "Số đăng ký kinh doanh", False),
    ("representative", "Người đại diện", False),
    ("commune_code", "Mã xã", True),
    ("address", "Địa chỉ", False),
    ("phone", "Điện thoại", False),
    ("email", "Thư điện tử", False),
    ("product_code", "Mã sản phẩm", True),
    ("product_name", "Tên sản phẩm", True),
    ("set_no", "Bộ sản phẩm (số)", True),
    ("regime", "Chế độ đánh giá (1048/148/1489)", False),
    ("council_level", "Cấp hội đồng (huyện/tỉnh/trung ương)", False),
    ("evaluated_on", "Ngày đánh giá", True),
    ("score", "Điểm", True),
    ("stars", "Số sao", True),
    ("decision_no", "Số quyết định công nhận", False),
    ("decision_date", "Ngày quyết định", False),
    ("issuer", "Cơ quan ban hành", False),
    ("certificate_no", "Số giấy chứng nhận", False),
    ("issued_on", "Ngày cấp", False),
    ("expires_on", "Ngày hết hạn", False),
    ("revoked_on", "Ngày thu hồi", False),
    ("revocation_decision", "Số quyết định thu hồi", False),
    ("revocation_reason", "Lý do thu hồi", False),
    ("supermarkets", "Siêu thị (phân cách ;)", False),
    ("ecommerce", "Thương mại điện tử (phân cách ;)", False),
    ("export_countries", "Xuất khẩu (mã nước 2 chữ; phân cách ;)", False),
]
LABEL = {k: label for k, label, _r in COLUMNS}
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


class ImportFileError(ValueError):
    pass


@dataclass
class Row:
    line: int
    data: dict
    errors: list[dict] = field(default_factory=list)

    def reject(self, key: str, reason: str) -> None:
        self.errors.append({"row": self.line, "column": LABEL.get(key, key), "reason": reason})


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách OCOP"
    ws.append([label for _k, label, _r in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(
        [
            "CT20-00001",
            "HTX Nông sản Na Rì",
            "Hợp tác xã",
            "4701234567",
            "Hoàng Thị Lan",
            "01234",
            "Thôn Nà Pàn",
            "0912345678",
            "",
            "CT20-00001-SP00001",
            "Miến dong Na Rì",
            6,
            "148",
            "huyện",
            "15/10/2023",
            62,
            3,
            "1234/QĐ-UBND",
            "20/10/2023",
            "UBND huyện Na Rì",
            "OCOP-20-2023-0001",
            "20/10/2023",
            "",
            "",
            "",
            "",
            "Co.opmart",
            "Shopee",
            "",
        ]
    )
    notes = wb.create_sheet("Hướng dẫn")
    notes.append(["Cột", "Bắt buộc", "Ghi chú"])
    hints = {
        "producer_kind": "Doanh nghiệp / Hợp tác xã / Tổ hợp tác / Hộ sản xuất kinh doanh có đăng ký",
        "commune_code": "Mã xã theo bản đồ hành chính có hiệu lực vào ngày đánh giá (mã cũ trước 01/07/2025)",
        "set_no": "Số thứ tự bộ sản phẩm theo Phụ lục I Quyết định 148 (1–26)",
        "regime": "Để trống: theo ngày đánh giá",
        "stars": "1–5; chỉ 3–5 sao có giấy chứng nhận",
        "expires_on": "Để trống: ngày cấp + 36 tháng",
        "evaluated_on": "dd/mm/yyyy hoặc yyyy-mm-dd",
    }
    for key, label, required in COLUMNS:
        notes.append([label, "có" if required else "", hints.get(key, "")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(name: str, data: bytes) -> list[Row]:
    """Rows keyed by column key; headers are matched by their Vietnamese label (or key)."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError(f"Không đọc được tệp Excel: {exc}") from exc
        table = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    elif lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError("Tệp CSV phải mã hóa UTF-8.") from exc
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    else:
        raise ImportFileError("Chỉ nhận tệp .xlsx hoặc .csv.")
    if not table:
        raise ImportFileError("Tệp không có dữ liệu.")
    by_label = {label.lower(): key for key, label, _r in COLUMNS} | {
        key: key for key, _l, _r in COLUMNS
    }
    header = [by_label.get(str(h or "").strip().lower()) for h in table[0]]
    missing = [label for key, label, req in COLUMNS if req and key not in header]
    if missing:
        raise ImportFileError(f"Thiếu cột: {', '.join(missing)}.")
    rows = []
    for line, values in enumerate(table[1:], start=2):
        if not any(v not in (None, "") for v in values):
            continue
        data_ = {k: v for k, v in zip(header, values, strict=False) if k}
        rows.append(Row(line, {k: ("" if v is None else v) for k, v in data_.items()}))
    return rows


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _text(row: Row, key: str) -> str:
    value = row.data.get(key, "")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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
    for row in rows:
        d = row.data
        v: dict = {}
        for key, _label, required in COLUMNS:
            if required and _text(row, key) == "":
                row.reject(key, "Bắt buộc nhập.")
        for key in ("evaluated_on", "decision_date", "issued_on", "expires_on", "revoked_on"):
            try:
                v[key] = _date(d.get(key, ""))
            except ValueError:
                row.reject(key, f"Ngày «{d.get(key)}» không hợp lệ (dd/mm/yyyy).")
                v[key] = None
        kind = KINDS.get(_text(row, "producer_kind").lower())
        if _text(row, "producer_kind") and kind is None:
            row.reject("producer_kind", f"Loại hình «{_text(row, 'producer_kind')}» không hợp lệ.")
        v["producer_kind"] = kind
        try:
            v["set_no"] = int(Decimal(_text(row, "set_no")))
            if v["set_no"] not in sets:
                row.reject("set_no", f"Không có bộ sản phẩm số {v['set_no']}.")
        except (InvalidOperation, ValueError):
            if _text(row, "set_no"):
                row.reject("set_no", "Phải là số nguyên.")
        try:
            v["score"] = Decimal(_text(row, "score").replace(",", "."))
            if not Decimal(0) <= v["score"] <= Decimal(100):
                row.reject("score", "Điểm phải từ 0 đến 100.")
        except InvalidOperation:
            if _text(row, "score"):
                row.reject("score", "Phải là số.")
            v["score"] = None
        try:
            v["stars"] = int(Decimal(_text(row, "stars")))
            if not 1 <= v["stars"] <= 5:
                row.reject("stars", "Số sao từ 1 đến 5.")
        except (InvalidOperation, ValueError):
            if _text(row, "stars"):
                row.reject("stars", "Phải là số nguyên.")
            v["stars"] = None
        day = v.get("evaluated_on")
        regime = None
        if _text(row, "regime"):
            regime = regimes.get(
                REGIMES.get(_text(row, "regime").lower().replace("qđ", "").strip(), "")
            )
            if regime is None:
                row.reject("regime", "Chế độ phải là 1048, 148 hoặc 1489.")
        elif day:
            regime = Regime.on(day)
            if regime is None:
                row.reject("evaluated_on", "Không có chế độ OCOP nào áp dụng cho ngày này.")
        v["regime"] = regime
        level = _text(row, "council_level").lower()
        v["council_level"] = LEVELS.get(level, "") if level else ""
        if level and not v["council_level"]:
            row.reject("council_level", "Cấp hội đồng phải là huyện, tỉnh hoặc trung ương.")
        unit = (
            _division_on(_text(row, "commune_code"), day or dt.date.today())
            if _text(row, "commune_code")
            else None
        )
        if _text(row, "commune_code") and unit is None:
            row.reject("commune_code", f"Không có xã mã {_text(row, 'commune_code')}.")
        elif unit is not None and scope is not None and not scope.can_edit(unit):
            row.reject("commune_code", "Xã nằm ngoài phạm vi của bạn.")
        v["division"] = unit
        if regime and v.get("score") is not None and v.get("stars"):
            band = regime.band(v["score"])
            if v["stars"] > band:
                row.reject(
                    "stars", f"{v['stars']} sao vượt hạng theo điểm {v['score']} ({band} sao)."
                )
        cert_no = _text(row, "certificate_no")
        if cert_no:
            if v.get("stars") and regime and v["stars"] not in regime.certified_stars:
                row.reject("certificate_no", f"Hạng {v['stars']} sao không có giấy chứng nhận.")
            for key in ("decision_no", "decision_date", "issuer", "issued_on"):
                if not _text(row, key):
                    row.reject(key, "Bắt buộc khi có số giấy chứng nhận.")
            if v.get("issued_on") and v.get("expires_on") and v["expires_on"] <= v["issued_on"]:
                row.reject("expires_on", "Ngày hết hạn phải sau ngày cấp.")
            if cert_no in certs_in_file:
                row.reject("certificate_no", f"Trùng với dòng {certs_in_file[cert_no]}.")
            certs_in_file.setdefault(cert_no, row.line)
            existing = Certificate.objects.filter(number=cert_no).select_related("product").first()
            if existing is not None and existing.product.code != _text(row, "product_code"):
                row.reject("certificate_no", "Số giấy chứng nhận đã dùng cho sản phẩm khác.")
        if v.get("revoked_on"):
            if not cert_no:
                row.reject("revoked_on", "Chỉ thu hồi khi có giấy chứng nhận.")
            if not _text(row, "revocation_decision"):
                row.reject("revocation_decision", "Bắt buộc khi có ngày thu hồi.")
            if not _text(row, "revocation_reason"):
                row.reject("revocation_reason", "Bắt buộc khi có ngày thu hồi.")
        pkey = (_text(row, "producer_name"), v["producer_kind"], unit.pk if unit else None)
        pcode = _text(row, "producer_code")
        if pcode in producers_in_file and producers_in_file[pcode][0] != pkey:
            row.reject(
                "producer_code", f"Thông tin chủ thể khác với dòng {producers_in_file[pcode][1]}."
            )
        producers_in_file.setdefault(pcode, (pkey, row.line))
        prod_key = (_text(row, "product_name"), pcode, v.get("set_no"))
        code = _text(row, "product_code")
        if code in products_in_file and products_in_file[code][0] != prod_key:
            row.reject(
                "product_code", f"Thông tin sản phẩm khác với dòng {products_in_file[code][1]}."
            )
        products_in_file.setdefault(code, (prod_key, row.line))
        other = Product.objects.filter(code=code).select_related("producer").first()
        if other is not None and other.producer.code != pcode:
            row.reject("product_code", "Mã sản phẩm đã thuộc chủ thể khác.")
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
            subject="Công nhận sản phẩm OCOP (nhập từ danh sách)",
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
            expires_on=v["expires_on"]
            or expiry_date(v["issued_on"], int(regime.rules.get("certificate_months", 36))),
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
            subject=f"Thu hồi giấy chứng nhận OCOP {cert.number}",
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
    if len(data) > MAX_BYTES:
        run.rejected = [{"row": 0, "column": "", "reason": "Tệp quá lớn (tối đa 20 MB)."}]
        run.counts = counts
        run.save()
        return run
    try:
        rows = read_rows(name, data)
    except ImportFileError as exc:
        run.rejected = [{"row": 1, "column": "", "reason": str(exc)}]
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
                    note="Nhập danh sách OCOP",
                )
        except ValidationError as exc:
            run.rejected.append({"row": 0, "column": "", "reason": "; ".join(exc.messages)})
        else:
            run.committed = True
    run.counts = counts
    run.save()
    return run


def rejected_csv(run: ImportRun) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(["Dòng", "Cột", "Lý do"])
    for e in run.rejected:
        writer.writerow([e["row"], e["column"], e["reason"]])
    return buf.getvalue()
