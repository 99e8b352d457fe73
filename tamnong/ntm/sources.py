"""Derived indicator values (chỉ tiêu lấy tự động) from the other programmes.

A criteria set names the source of an indicator as data, e.g. `poverty.poor_rate` or
`ocop.valid_products(min_stars=4)` (without `min_stars`: every rank the OCOP regime in force
certifies). The providing apps are imported lazily so that NTM works
before they land: a missing provider gives "chưa có nguồn dữ liệu", never an error.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


class SourceError(ValueError):
    pass


@dataclass(frozen=True)
class Provider:
    module: str
    function: str
    label: str
    params: dict  # allowed keyword → (type, min, max)


PROVIDERS: dict[str, Provider] = {
    "poverty.poor_rate": Provider(
        "tamnong.poverty.services",
        "commune_poverty_rate",
        "Tỷ lệ hộ nghèo (rà soát hộ nghèo)",
        {},
    ),
    "poverty.near_poor_rate": Provider(
        "tamnong.poverty.services",
        "commune_poverty_rate",
        "Tỷ lệ hộ cận nghèo (rà soát hộ nghèo)",
        {},
    ),
    "ocop.valid_products": Provider(
        "tamnong.ocop.services",
        "valid_products",
        "Số sản phẩm OCOP còn hiệu lực",
        {"min_stars": (int, 1, 5)},
    ),
}

_SPEC = re.compile(r"^\s*([a-z_]+\.[a-z_]+)\s*(?:\((.*)\))?\s*$")


def parse(text: str) -> tuple[str, dict]:
    """`ocop.valid_products(min_stars=4)` → ("ocop.valid_products", {"min_stars": 4})."""
    match = _SPEC.match(text or "")
    if not match or match.group(1) not in PROVIDERS:
        known = ", ".join(sorted(PROVIDERS))
        raise SourceError(
            _("Nguồn dữ liệu «%(s)s» không hợp lệ; dùng một trong: %(k)s.")
            % {"s": text, "k": known}
        )
    name, args = match.group(1), (match.group(2) or "").strip()
    provider, kwargs = PROVIDERS[name], {}
    for part in filter(None, (p.strip() for p in args.split(","))):
        key, _sep, raw = part.partition("=")
        key = key.strip()
        if key not in provider.params:
            raise SourceError(
                _("Tham số «%(k)s» không dùng được cho %(n)s.") % {"k": key, "n": name}
            )
        typ, low, high = provider.params[key]
        try:
            value = typ(raw.strip())
        except ValueError:
            raise SourceError(_("Tham số «%(k)s» phải là số nguyên.") % {"k": key}) from None
        if not low <= value <= high:
            raise SourceError(
                _("Tham số «%(k)s» phải từ %(a)s đến %(b)s.") % {"k": key, "a": low, "b": high}
            )
        kwargs[key] = value
    return name, kwargs


@dataclass(frozen=True)
class Derived:
    value: Decimal | None
    state: str  # ok | no_source | no_data
    note: str


def fetch(source: str, division, year: int, on: dt.date) -> Derived:
    """The value of `source` for a division and year (OCOP: certificates valid on `on`)."""
    name, kwargs = parse(source)
    provider = PROVIDERS[name]
    try:
        module = importlib.import_module(provider.module)
        func = getattr(module, provider.function)
    except (ImportError, AttributeError):
        return Derived(
            None, "no_source", _("Chưa có nguồn dữ liệu (%(s)s).") % {"s": provider.label}
        )
    if name.startswith("poverty."):
        figures = func(division, year)
        if figures is None:
            return Derived(
                None, "no_data", _("Năm %(y)s chưa có kết quả rà soát hộ nghèo.") % {"y": year}
            )
        if name == "poverty.poor_rate":
            value = Decimal(str(figures["poor_rate"]))
        else:
            households = figures.get("households") or 0
            value = (
                Decimal(figures.get("near_poor", 0)) * 100 / Decimal(households)
                if households
                else Decimal(0)
            )
        note = _("Rà soát năm %(y)s: %(p)s/%(h)s hộ nghèo (chuẩn %(s)s).") % {
            "y": year,
            "p": figures.get("poor"),
            "h": figures.get("households"),
            "s": figures.get("standard", ""),
        }
        return Derived(value.quantize(Decimal("0.0001")), "ok", note)
    count = func(division, on=on, **kwargs)
    stars = kwargs.get("min_stars")
    if stars is None and hasattr(module, "lowest_certified_stars"):
        stars = module.lowest_certified_stars(on)  # every certified rank of the regime in force
    day = on.strftime("%d/%m/%Y")
    note = (
        _("Sản phẩm có giấy chứng nhận còn hiệu lực ngày %(d)s, từ %(s)s sao.")
        % {"d": day, "s": stars}
        if stars is not None
        else _("Sản phẩm có giấy chứng nhận còn hiệu lực ngày %(d)s.") % {"d": day}
    )
    return Derived(Decimal(int(count)), "ok", note)
