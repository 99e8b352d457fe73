"""Users, scoped memberships (user, division, role) and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tamnong.access.roles import (  # noqa: F401 (re-exported)
    AUDIT_READER_ROLES,
    EDITOR_ROLES,
    NATIONAL_ROLES,
    Role,
)


class User(AbstractUser):
    """A person who signs in. What they see is decided by their memberships, not by flags."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Membership(models.Model):
    """A role held by a user on a division; a province membership covers its communes and villages.

    A national role (`access.roles.NATIONAL_ROLES`: the central coordination office, the national
    leader) is held on the country, written as a membership **without a division**. Why not a root
    unit "Việt Nam" above the 34 provinces: every unit's `path` starts at its province, on both
    maps and through lineage, and the divisions data, the map-change files, the exports and every
    stored path would have to change for a unit that has no code of its own in the official list,
    no lineage and no records. The empty division instead gives the grant the empty path, which
    every path starts with (`access.scope`), so the one scoping rule covers the country without a
    special case in any list. A named constraint keeps the two apart: a national role has no
    division, every other role has one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        help_text=_("Để trống cho vai trò cấp Trung ương (toàn quốc)."),
    )
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices)
    # A producer membership is tied to the producer (chủ thể) it represents; set by the OCOP app.
    producer_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "division", "role", "producer_ref"], name="membership_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(division__isnull=True),
                name="membership_unique_national",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(division__isnull=True, role__in=sorted(NATIONAL_ROLES))
                    | (
                        models.Q(division__isnull=False)
                        & ~models.Q(role__in=sorted(NATIONAL_ROLES))
                    )
                ),
                name="membership_national_role_has_no_division",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit_name}"

    @property
    def unit_name(self) -> str:
        """The division's name, "Toàn quốc" for a national role."""
        return str(self.division) if self.division_id else str(_("Toàn quốc"))


class ApiToken(models.Model):
    """A bearer token for machine clients; only its hash is stored."""

    PREFIX = "tn_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256((settings.SECRET_KEY + raw).encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=cls.hash(raw), hint=raw[:8], expires_at=expires_at
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class LoginAddress(models.Model):
    """Failed sign-ins from one client address in the current window (see `accounts.lockout`)."""

    address = models.CharField(max_length=45, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("địa chỉ đăng nhập")

    def __str__(self) -> str:
        return self.address
