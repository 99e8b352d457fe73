"""OCOP import rows the way provinces write them (the registry import's columns), shared by the
import tests and the tests of the pages that show an import's outcome."""

from tamnong.ocop import importer

HEADER = ",".join(f'"{c.header}"' for c in importer.COLUMNS)


def row(**v) -> str:
    base = dict.fromkeys([c.key for c in importer.COLUMNS], "")
    base.update(v)
    return ",".join(f'"{base[c.key]}"' for c in importer.COLUMNS)


def subject(producer, name, kind, commune, product, product_name, set_no) -> dict:
    """The producer, commune, product and criteria-set columns of a row."""
    return {
        "producer_code": producer,
        "producer_name": name,
        "producer_kind": kind,
        "commune_code": commune,
        "product_code": product,
        "product_name": product_name,
        "set_no": set_no,
    }


def certified(council, decision_no, on, issuer, certificate_no) -> dict:
    """The decision and certificate columns of a certified row (issued the day of the decision)."""
    return {
        "council_level": council,
        "decision_no": decision_no,
        "decision_date": on,
        "issuer": issuer,
        "certificate_no": certificate_no,
        "issued_on": on,
    }


HOUSEHOLD = "Hộ sản xuất kinh doanh có đăng ký"
OLD_PROVINCE = "UBND tỉnh Tỉnh Cũ Một"
RICE = subject("CT-1", "HTX Bình An", "Hợp tác xã", "10002", "SP-1", "Gạo nếp Bình", 3)
HONEY = subject("CT-2", "Hộ Lò Văn Mật", HOUSEHOLD, "20001", "SP-2", "Mật ong Đông", 4)
WAX = subject("CT-2", "Hộ Lò Văn Mật", HOUSEHOLD, "20001", "SP-3", "Sáp ong", 4)

GOOD = [
    # 1048 era, old commune Xã Bình (merged into Xã An Bình in 2025), district council, 3★, expired in 2024.
    row(
        **RICE,
        **certified("tỉnh", "100/QĐ-UBND", "01/11/2021", OLD_PROVINCE, "C-2021-1"),
        evaluated_on="15/10/2021",
        score=61,
        stars=3,
        supermarkets="Co.opmart; WinMart",
    ),
    # Re-certified under 148 by the district council, 4★, still valid in 2025.
    row(
        **RICE,
        regime="148",
        evaluated_on="20/10/2024",
        score=72.5,
        stars=4,
        **certified("tỉnh", "200/QĐ-UBND", "01/11/2024", OLD_PROVINCE, "C-2024-1"),
        export_countries="JP",
    ),
    # A household business in Xã Đông (now Phường Tây), 3★ in 2023, revoked in 2025.
    row(
        **HONEY,
        evaluated_on="2023-06-01",
        score=55,
        stars=3,
        **certified("huyện", "50/QĐ-UBND", "2023-06-15", "UBND huyện Hai", "C-2023-9"),
        revoked_on="2025-03-01",
        revocation_decision="60/QĐ-UBND",
        revocation_reason="Không duy trì chất lượng",
    ),
    # Evaluated 2★ in 2023: no certificate.
    row(**WAX, evaluated_on="2023-06-01", score=41, stars=2),
]


def csv_bytes(rows) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
