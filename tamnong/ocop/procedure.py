"""The procedure keys of a regime (data/ocop/26-2026/regime.yaml: `rounds`, `dossier`,
`commune_check`, `reevaluation`, `product_code`, `revocation`, `inspection`), read from
`Regime.rules`. A regime without a key (1048, 148) has no such rule: the callers then do nothing."""

from __future__ import annotations

from .models import Regime


def rule(regime: Regime | None, key: str) -> dict | None:
    """The regime's `key` section, or None when the regime does not have that rule."""
    if regime is None:
        return None
    value = (regime.rules or {}).get(key)
    return value if isinstance(value, dict) else None


def article(regime: Regime | None, key: str, sub: str | None = None) -> str:
    """The article a rule is taken from ("Điều 7.6.a"), for showing it with the rule."""
    section = rule(regime, key) or {}
    if sub is not None:
        inner = section.get(sub)
        if isinstance(inner, dict) and inner.get("article"):
            return str(inner["article"])
    return str(section.get("article") or "")
