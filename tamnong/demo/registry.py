"""Demo-province builders. The foundation builds villages and users; each domain app adds
its own step with `@step(order)` in its `demo.py` (OCOP producers, NTM assessments, households).
Every step is deterministic for a given seed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class DemoContext:
    province: object
    seed: int
    households: int
    say: Callable[[str], None]
    users: dict


_STEPS: list[tuple[int, str, Callable[[DemoContext], None]]] = []


def step(order: int, name: str) -> Callable:
    def wrap(func: Callable[[DemoContext], None]):
        _STEPS.append((order, name, func))
        return func

    return wrap


def steps() -> list[tuple[int, str, Callable[[DemoContext], None]]]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    seen, out = set(), []
    for item in sorted(_STEPS, key=lambda s: (s[0], s[1])):
        if item[1] not in seen:
            seen.add(item[1])
            out.append(item)
    return out
