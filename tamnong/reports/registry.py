"""Who contributes to the summary report and the dashboards: one registry for both.

A provider is a function of a `ReportContext` returning a `Section` (kind "section", for the
summary report, `reports/sections/`) or a `Panel` (kind "panel", for the dashboards,
`reports/panels.py`), or None when it has nothing to say. It registers with
`@provider(key, order, kind=...)`; the reports app loads the provider modules when it starts
(`ReportsConfig.ready`), so the report builders only read this registry and never import the
modules that register into it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["section", "panel"]
KINDS: tuple[Kind, ...] = ("section", "panel")


@dataclass(frozen=True)
class Provider:
    key: str
    order: int
    kind: Kind
    func: Callable
    requires: str | None = None


_PROVIDERS: dict[tuple[Kind, str], Provider] = {}


def provider(
    key: str, order: int, kind: Kind = "section", requires: str | None = None
) -> Callable[[Callable], Callable]:
    """Register the decorated function as the `kind` provider `key`, placed by `order`; a second
    registration of the same key replaces the first. `requires`: the app (a dotted name) whose
    models the provider reads; while it is not installed the provider is left out, so the
    provider may import that app's models without guarding the import."""
    if kind not in KINDS:
        raise ValueError(f"provider kind must be one of {KINDS}, not {kind!r}")

    def wrap(func: Callable) -> Callable:
        _PROVIDERS[(kind, key)] = Provider(key, order, kind, func, requires)
        return func

    return wrap


def providers(kind: Kind) -> list[Provider]:
    """The providers of one kind whose app is installed, in report order."""
    from django.apps import apps

    return sorted(
        (
            p
            for p in _PROVIDERS.values()
            if p.kind == kind and (p.requires is None or apps.is_installed(p.requires))
        ),
        key=lambda p: (p.order, p.key),
    )
