"""Roles and the role sets that decide who may do what (one place for every app).

A role is held on a division through a membership (`accounts.Membership`); a set names the roles
that may take one kind of step inside the scope of their memberships.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a member may do inside the division of the membership."""

    ADMIN = "admin", _("Quản trị hệ thống")
    COORDINATOR = "coordinator", _("Văn phòng điều phối")
    DEPARTMENT = "department", _("Cán bộ sở, ngành")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng OCOP")
    COUNCIL_SECRETARY = "council_secretary", _("Thư ký Hội đồng OCOP")
    PRODUCER = "producer", _("Chủ thể OCOP")
    LEADER = "leader", _("Lãnh đạo (xem báo cáo)")


# Create or change domain records in their scope (reading is open to every role of the scope,
# except producers, who see only their own records).
EDITOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.DEPARTMENT, Role.COMMUNE_OFFICER})
# Read the audit trail of their scope.
AUDIT_READER_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
# Give and take roles inside their scope.
MANAGER_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
# Province-level steps (council set-up, recognition, NTM appraisal and decisions, targets).
PROVINCE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.DEPARTMENT})
# Run an OCOP council session (seats, closing).
SECRETARY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.COUNCIL_SECRETARY})
# May sit on an OCOP council.
COUNCIL_ROLES = frozenset(
    {Role.ADMIN, Role.COORDINATOR, Role.DEPARTMENT, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY}
)
