"""A small fixed-window rate limiter for the public pages, kept in Django's cache."""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from tamnong.audit.middleware import client_ip


def limit(bucket: str, per_minute_setting: str = "OCOP_PUBLIC_RATE_LIMIT", default: int = 120):
    """Allow `per_minute` requests per client address per minute; beyond that answer 429."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            per_minute = int(getattr(settings, per_minute_setting, default))
            window = int(time.time() // 60)
            key = f"rl:{bucket}:{client_ip(request) or '-'}:{window}"
            if cache.add(key, 1, timeout=70):
                count = 1
            else:
                try:
                    count = cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, timeout=70)
                    count = 1
            if count > per_minute:
                response = HttpResponse(
                    _("Quá nhiều yêu cầu, vui lòng thử lại sau một phút."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return inner

    return wrap
