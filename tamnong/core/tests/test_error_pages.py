"""Vietnamese error pages in the site layout (issue 11, defect 3)."""

import pytest
from django.test import RequestFactory

from tamnong.core import errors


@pytest.mark.django_db
def test_an_unknown_page_is_a_vietnamese_404_in_the_layout(client, settings):
    settings.DEBUG = False
    r = client.get("/khong-co-trang-nay/")
    body = r.content.decode()
    assert r.status_code == 404
    assert "Không tìm thấy trang" in body and "<nav" in body
    assert "URLconf" not in body and "Page not found" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "handler, status, text",
    [
        (errors.bad_request, 400, "Yêu cầu không hợp lệ"),
        (errors.permission_denied, 403, "Bạn không có quyền"),
        (errors.page_not_found, 404, "Không tìm thấy trang"),
    ],
)
def test_each_handler_answers_in_vietnamese(handler, status, text, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    r = handler(request, Exception("x"))
    assert r.status_code == status and text in r.content.decode()
    assert "Forbidden" not in r.content.decode()


@pytest.mark.django_db
def test_the_500_page_is_vietnamese():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    r = errors.server_error(request)
    assert r.status_code == 500 and "Đã có lỗi" in r.content.decode()
