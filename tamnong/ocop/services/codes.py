"""The OCOP product code (mã số sản phẩm): `product_code` of the regime, e.g.
`{province}-{commune}-{sequence}-{year}` on the Decision 19/2025 division codes, given once when
the product is first recognised. The sequence is the product's number in its commune's list of
that year: the next free one, guarded by a unique constraint; a concurrent assignment that took
the same number makes this one retry with the next."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tamnong.divisions.models import Level
from tamnong.divisions.services import resolve

from .. import procedure
from ..models import Product, Regime
from ._base import fail

ATTEMPTS = 8


def next_sequence(commune_code: str, year: int) -> int:
    top = Product.objects.filter(ocop_commune=commune_code, ocop_year=year).aggregate(
        top=Max("ocop_seq")
    )["top"]
    return (top or 0) + 1


def assign_product_code(product: Product, *, year: int, regime: Regime) -> str:
    """Give `product` its code under `regime` if it has none (idempotent); returns the code
    ("" when the regime has no product code)."""
    spec = procedure.rule(regime, "product_code")
    if spec is None:
        return product.ocop_code
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                row = Product.objects.select_for_update().get(pk=product.pk)
                if row.ocop_code:
                    product.ocop_code = row.ocop_code
                    return row.ocop_code
                province = resolve(row.division, Level.PROVINCE)
                commune = resolve(row.division, Level.COMMUNE)
                if province is None or commune is None:
                    fail(
                        "product",
                        _("Không xác định được mã tỉnh, mã xã của sản phẩm «%(product)s».")
                        % {"product": row},
                    )
                seq = next_sequence(commune.code, year)
                code = spec["format"].format(
                    province=province.code, commune=commune.code, sequence=seq, year=year
                )
                Product.objects.filter(pk=row.pk).update(
                    ocop_code=code, ocop_commune=commune.code, ocop_year=year, ocop_seq=seq
                )
        except IntegrityError:
            continue  # another product took this number meanwhile: take the next one
        product.ocop_code, product.ocop_commune = code, commune.code
        product.ocop_year, product.ocop_seq = year, seq
        return code
    fail("product", _("Không cấp được mã số sản phẩm OCOP; hãy thử lại."))
