"""Error pages in Vietnamese, in the site layout (handler400/403/404/500 in tamnong/urls.py)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the error may be the database itself.
    try:
        return HttpResponseServerError(
            loader.render_to_string("errors/500.html", {}, request=request)
        )
    except Exception:  # noqa: BLE001 — the last resort must not fail
        return HttpResponseServerError(
            "<!doctype html><meta charset=utf-8><title>Lỗi</title>"
            "<h1>Đã có lỗi trên máy chủ</h1><p>Xin thử lại sau ít phút.</p>"
        )
