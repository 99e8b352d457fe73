"""Login lockout that holds under parallel requests.

Two limits, both counted with the row locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
IMMEDIATE transactions serialise writers), never read-increment-write in Python:

- per account: an attempt *reserves* a failure before its password is checked, so however many
  requests arrive at once, at most `LOGIN_MAX_FAILURES` of them get their password checked before
  the account is locked for `LOGIN_LOCKOUT_MINUTES`; a right password gives the reservation back;
- per client address (`tamnong.core.clientip.client_ip`, `TRUSTED_PROXIES`): at most
  `LOGIN_ADDRESS_MAX_FAILURES` failed attempts, over every account name, per
  `LOGIN_LOCKOUT_MINUTES`; beyond that the address is refused for `LOGIN_LOCKOUT_MINUTES`.

django-axes was weighed and not used: it checks the limit before the password and counts the
failure after it, so a burst of parallel requests all pass the check (its maintainers keep this
as a known issue), and it has one failure limit for the account and the address together.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginAddress, User


def _lockout() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def reserve_account(user_pk: int) -> bool:
    """Count one attempt on the account before its password is checked. False: the account is
    locked (now, or by this attempt, which went past the limit) and the password is not checked."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            User.objects.select_for_update()
            .filter(pk=user_pk)
            .values("failed_logins", "locked_until")
            .first()
        )
        if row is None:
            return False
        if row["locked_until"] is not None and row["locked_until"] > now:
            return False
        failures = row["failed_logins"] + 1
        if failures > settings.LOGIN_MAX_FAILURES:
            User.objects.filter(pk=user_pk).update(failed_logins=0, locked_until=now + _lockout())
            return False
        User.objects.filter(pk=user_pk).update(failed_logins=failures, locked_until=None)
        return True


def account_failed(user_pk: int) -> bool:
    """The reserved attempt had a wrong password: lock the account once the reserved failures
    reach the limit. True when the account is now locked."""
    now = timezone.now()
    locked = User.objects.filter(pk=user_pk, failed_logins__gte=settings.LOGIN_MAX_FAILURES).update(
        failed_logins=0, locked_until=now + _lockout()
    )
    return bool(locked)


def account_succeeded(user_pk: int) -> None:
    User.objects.filter(pk=user_pk).update(failed_logins=0, locked_until=None)


def reserve_address(address: str) -> bool:
    """Count one attempt from a client address. False: the address is refused for now."""
    now = timezone.now()
    with transaction.atomic():
        row, _created = LoginAddress.objects.select_for_update().get_or_create(
            address=address[:45], defaults={"window_started_at": now}
        )
        if row.locked_until is not None and row.locked_until > now:
            return False
        if row.window_started_at <= now - _lockout():
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        row.locked_until = None
        allowed = row.failures <= settings.LOGIN_ADDRESS_MAX_FAILURES
        if not allowed:
            row.failures, row.locked_until = 0, now + _lockout()
        row.save(update_fields=["failures", "window_started_at", "locked_until"])
        return allowed


def address_succeeded(address: str) -> None:
    """A right password gives its reservation back (it does not clear the others: a valid
    account must not reset the count of a spray from the same address)."""
    LoginAddress.objects.filter(address=address[:45], failures__gt=0).update(
        failures=F("failures") - 1
    )


def address_locked(address: str) -> bool:
    return LoginAddress.objects.filter(
        address=address[:45], locked_until__gt=timezone.now()
    ).exists()
