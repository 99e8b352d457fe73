"""Authentication with a lockout per account and per client address (see `lockout`)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from tamnong.core.clientip import client_ip

from . import lockout
from .models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        address = client_ip(request) if request is not None else None
        if address and not lockout.reserve_address(address):
            if request is not None:
                request.login_address_locked = True
            return None
        user = User.objects.filter(username__iexact=username).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same cost as a real check
            return None
        if not lockout.reserve_account(user.pk):
            if request is not None:
                request.login_locked = True
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            lockout.account_succeeded(user.pk)
            if address:
                lockout.address_succeeded(address)
            user.failed_logins, user.locked_until = 0, None
            return user
        if lockout.account_failed(user.pk) and request is not None:
            request.login_locked = True
        return None
