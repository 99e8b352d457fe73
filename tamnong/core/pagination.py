"""One pagination for every list of the JSON API.

Every GET that answers a list is a page `{items, count, next}`: `limit` (default
`API_PAGE_SIZE`, at most `API_MAX_PAGE_SIZE`) and `offset` (at most `API_MAX_OFFSET`) are
validated, and a value out of range is refused with 422, never capped in silence (a client that
asked for 100 000 rows and got 500 would believe it had them all). `tamnong.core.pagination.Router`
paginates a list GET by itself, so a new endpoint cannot forget it.

The big lists (households, audit) also take a `cursor`: an opaque, signed position on
(ordering key, id) — a keyset, so a walk through `next` never repeats or skips a row while rows
are added or removed elsewhere, and page 10 000 costs what page 1 costs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja import Router as NinjaRouter
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase, _inject_pagination

CURSOR_SALT = "tamnong.api.cursor"


def _limit_field():
    return Field(
        settings.API_PAGE_SIZE,
        ge=1,
        le=settings.API_MAX_PAGE_SIZE,
        description=f"Số bản ghi mỗi trang (1–{settings.API_MAX_PAGE_SIZE}; vượt quá: 422).",
    )


def _offset_field():
    return Field(
        0,
        ge=0,
        le=settings.API_MAX_OFFSET,
        description=f"Bỏ qua bấy nhiêu bản ghi đầu (0–{settings.API_MAX_OFFSET}).",
    )


def _count(items: Any) -> int:
    return items.count() if isinstance(items, QuerySet | Mapped) else len(items)


class Mapped:
    """A query whose rows a function turns into what the page shows, row by row, only for the
    rows of the page: `return Mapped(qs, to_dict)` from a paginated view."""

    def __init__(self, queryset: QuerySet, func) -> None:
        self.queryset, self.func = queryset, func

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list:
        return [self.func(row) for row in self.queryset[window]]


def _url(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class PageQuery(Schema):
    limit: int = _limit_field()
    offset: int = _offset_field()


class KeysetQuery(PageQuery):
    cursor: str | None = Field(
        None,
        max_length=500,
        description="Vị trí trang sau, lấy từ `next_cursor` (hoặc đi theo `next`).",
    )


class Page(PaginationBase):
    """`limit`/`offset` pages, for every list."""

    Input = PageQuery

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = Field(None, description="Địa chỉ trang sau; null ở trang cuối.")

    def paginate_queryset(self, queryset, pagination, request, **params):
        if isinstance(queryset, QuerySet) and not queryset.ordered:
            queryset = queryset.order_by("pk")  # pages of an unordered query may overlap
        offset, limit = pagination.offset, pagination.limit
        count = _count(queryset)
        end = offset + limit
        return {
            "items": queryset[offset:end],
            "count": count,
            "next": _url(request, offset=end) if end < count else None,
        }


class KeysetPage(Page):
    """Pages by a signed cursor on `ordering` (whose last key must be unique, e.g. the id);
    `offset` is still accepted for the first step of old clients, `next` is always a cursor."""

    Input = KeysetQuery

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = Field(None, description="Địa chỉ trang sau; null ở trang cuối.")
        next_cursor: str | None = None

    def __init__(self, *, ordering: tuple[str, ...], **kwargs: Any) -> None:
        self.ordering = ordering
        super().__init__(**kwargs)

    def _keys(self) -> list[tuple[str, bool]]:
        return [(o.lstrip("-"), o.startswith("-")) for o in self.ordering]

    def _encode(self, obj: Any) -> str:
        values = []
        for name, _desc in self._keys():
            value = getattr(obj, name)
            values.append(value.isoformat() if isinstance(value, dt.datetime | dt.date) else value)
        return signing.dumps(values, salt=CURSOR_SALT, compress=True)

    def _after(self, queryset: QuerySet, cursor: str) -> QuerySet:
        keys = self._keys()
        try:
            raw = signing.loads(cursor, salt=CURSOR_SALT)
            if not isinstance(raw, list) or len(raw) != len(keys):
                raise ValueError
            meta = queryset.model._meta
            values = [
                meta.get_field(name).to_python(v) for (name, _d), v in zip(keys, raw, strict=True)
            ]
        except (signing.BadSignature, ValueError, TypeError, DjangoValidationError) as exc:
            raise ValidationError(
                [{"loc": ["query", "cursor"], "type": "cursor_invalid", "msg": str(exc)}]
            ) from exc
        after = Q()
        for i, (name, desc) in enumerate(keys):
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
            for j in range(i):
                step &= Q(**{keys[j][0]: values[j]})
            after |= step
        return queryset.filter(after)

    def paginate_queryset(self, queryset, pagination, request, **params):
        queryset = queryset.order_by(*self.ordering)
        count = queryset.count()
        if pagination.cursor:
            window = queryset = self._after(queryset, pagination.cursor)
            start = 0
        else:
            window, start = queryset, pagination.offset
        rows = list(window[start : start + pagination.limit + 1])
        items, more = rows[: pagination.limit], len(rows) > pagination.limit
        cursor = self._encode(items[-1]) if more else None
        return {
            "items": items,
            "count": count,
            "next": _url(request, offset=None, cursor=cursor) if cursor else None,
            "next_cursor": cursor,
        }


class Router(NinjaRouter):
    """A router whose list GETs are `Page`s unless they chose a pagination themselves."""

    def add_api_operation(self, path, methods, view_func, **kwargs):
        response = kwargs.get("response")
        if methods == ["GET"] and getattr(response, "__origin__", None) is list:
            view_func = _inject_pagination(view_func, Page)
        return super().add_api_operation(path, methods, view_func, **kwargs)
