"""Job kinds are registered functions: `@job("poverty.import")` then `enqueue("poverty.import", …)`.

A job function takes a `Progress` and its keyword params, and returns a JSON-safe result.
`describe(result, job)` (optional) turns that result into what the job's page shows: an import
returns a `tabular.display.ResultView` (its sentences, faults and error-report link), so that the
page never prints the raw result.
Daily jobs are registered with `@daily("name")`; the worker enqueues each once per day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

JobFunc = Callable[..., object]


@dataclass(frozen=True)
class JobKind:
    name: str
    func: JobFunc
    label: str
    daily: bool = False
    describe: Callable | None = None


_REGISTRY: dict[str, JobKind] = {}


def job(
    name: str, label: str = "", daily: bool = False, describe: Callable | None = None
) -> Callable[[JobFunc], JobFunc]:
    def wrap(func: JobFunc) -> JobFunc:
        _REGISTRY[name] = JobKind(name, func, label or name, daily, describe)
        return func

    return wrap


def daily(name: str, label: str = "") -> Callable[[JobFunc], JobFunc]:
    return job(name, label, daily=True)


def get(name: str) -> JobKind:
    _autodiscover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def all_kinds() -> list[JobKind]:
    _autodiscover()
    return sorted(_REGISTRY.values(), key=lambda k: k.name)


_discovered = False


def _autodiscover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        _discovered = True
