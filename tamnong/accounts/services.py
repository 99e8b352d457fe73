"""Account services shared by the pages, the API and the CLI."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tamnong.access.roles import MANAGER_ROLES, NATIONAL_ROLES
from tamnong.access.scope import Scope
from tamnong.audit.models import AuditEvent
from tamnong.audit.services import record, snapshot

from .models import ApiToken, Membership, Role, User


@transaction.atomic
def grant_membership(
    actor,
    *,
    username: str,
    division,
    role: str,
    full_name: str = "",
    email: str = "",
    producer_ref: str = "",
) -> tuple[Membership, str | None]:
    """Give `username` a role on `division`; creates the user (returning a one-time password)."""
    scope = Scope.of(actor)
    if role in NATIONAL_ROLES:
        # the country: only a system administrator gives a national role, on no division
        if not scope.is_admin:
            raise PermissionDenied("Chỉ quản trị hệ thống được phân quyền cấp Trung ương.")
        if division is not None:
            raise ValueError("Vai trò cấp Trung ương không gắn với một đơn vị hành chính.")
    elif division is None:
        raise ValueError("Vai trò này phải gắn với một đơn vị hành chính.")
    elif (role == Role.ADMIN and not scope.is_admin) or not scope.covers(division, MANAGER_ROLES):
        raise PermissionDenied("Bạn không có quyền phân quyền trên đơn vị này.")
    password = None
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username, email=email, password=password, full_name=full_name
        )
        record(
            AuditEvent.Action.CREATE,
            user,
            after={"username": username, "email": email},
            division=division,
        )
    membership, created = Membership.objects.get_or_create(
        user=user, division=division, role=role, producer_ref=producer_ref
    )
    if created:
        record(AuditEvent.Action.CREATE, membership, after=snapshot(membership), division=division)
    return membership, password


@transaction.atomic
def revoke_membership(actor, membership: Membership) -> None:
    scope = Scope.of(actor)
    national = membership.division_id is None
    if (national and not scope.is_admin) or (
        not national and not scope.covers(membership.division, MANAGER_ROLES)
    ):
        raise PermissionDenied("Bạn không có quyền thu hồi phân quyền này.")
    record(
        AuditEvent.Action.DELETE,
        membership,
        before=snapshot(membership),
        division=membership.division,
    )
    membership.delete()


def issue_token(user: User, name: str, days: int) -> tuple[ApiToken, str]:
    token, raw = ApiToken.issue(user, name, timezone.now() + timedelta(days=days))
    record(AuditEvent.Action.CREATE, token, after={"name": name, "hint": token.hint}, user=user)
    return token, raw


def revoke_token(user: User, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(AuditEvent.Action.UPDATE, token, after={"revoked": True}, user=user)


def authenticate_token(raw: str) -> User | None:
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
