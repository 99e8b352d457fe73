from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tamnong.accounts.models import ApiToken, User
from tamnong.accounts.services import authenticate_token, issue_token
from tamnong.audit.models import AuditEvent
from tamnong.conftest import PASSWORD


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_user_logs_in_and_out(client, personas):
    response = login(client, "alice")
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"].username == "alice"
    client.post(reverse("accounts:logout"))
    assert not client.get(reverse("core:home")).context["user"].is_authenticated


def test_a_wrong_password_shows_a_vietnamese_error(client, personas):
    response = login(client, "alice", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, personas, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(client, "alice", "sai-mat-khau")
    user = User.objects.get(username="alice")
    assert user.is_locked
    response = login(client, "alice")
    assert response.status_code == 200
    assert "tạm thời bị khóa" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", actor=user).count() >= 3


def test_the_lock_expires(client, personas, settings):
    User.objects.filter(username="alice").update(locked_until=timezone.now() - timedelta(seconds=1))
    assert login(client, "alice").status_code == 302
    assert User.objects.get(username="alice").locked_until is None


def test_sessions_expire_after_inactivity_and_activity_renews_them(client, personas, settings):
    from django.contrib.sessions.models import Session

    login(client, "alice")
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    assert client.get("/").status_code == 200  # within the refresh interval: no write
    assert Session.objects.get(pk=key).expire_date == first
    settings.SESSION_REFRESH_SECONDS = 0
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date > first


def test_password_change_requires_the_old_password(client, personas):
    login(client, "alice")
    url = reverse("accounts:password_change")
    bad = client.post(
        url,
        {
            "old_password": "x",
            "new_password1": "Rat-an-toan-2026",
            "new_password2": "Rat-an-toan-2026",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Rat-an-toan-2026",
            "new_password2": "Rat-an-toan-2026",
        },
    )
    assert ok.status_code == 302
    assert User.objects.get(username="alice").check_password("Rat-an-toan-2026")


def test_password_reset_sends_a_link(client, personas):
    User.objects.filter(username="alice").update(email="alice@example.vn")
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_api_tokens_authenticate_until_revoked_or_expired(client, personas):
    token, raw = issue_token(personas.alice, "máy chủ tỉnh", days=30)
    assert ApiToken.objects.get(pk=token.pk).key_hash != raw  # only the hash is stored
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["username"] == "alice"
    token.revoked_at = timezone.now()
    token.save()
    assert authenticate_token(raw) is None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    _, raw2 = issue_token(personas.alice, "hết hạn", days=1)
    ApiToken.objects.filter(hint=raw2[:8]).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert authenticate_token(raw2) is None


def test_tokens_are_created_on_the_profile_page_and_shown_once(client, personas):
    login(client, "alice")
    response = client.post(
        reverse("accounts:token_create"), {"name": "thử", "days": 30}, follow=True
    )
    raw = response.context["new_token"]
    assert raw.startswith("tn_")
    assert client.get(reverse("accounts:profile")).context["new_token"] is None
    bad = client.post(reverse("accounts:token_create"), {"name": "", "days": 9999})
    assert bad.status_code == 400
    assert set(bad.context["token_form"].errors) == {"name", "days"}
