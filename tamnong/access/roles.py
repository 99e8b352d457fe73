"""Roles and the role sets that decide who may do what (one place for every app).

A role is held on a division through a membership (`accounts.Membership`); a set names the roles
that may take one kind of step inside the scope of their memberships.

The national roles (`NATIONAL_ROLES`) are held on the country: their membership names no division
(see `accounts.Membership`), and they read every province. They are in none of the provincial
sets below, so a national coordinator or leader never changes a province's records; the national
coordinator takes only the central level's steps (`CENTRAL_ROLES`).
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
    NATIONAL_COORDINATOR = "national_coordinator", _("Văn phòng Điều phối Trung ương")
    NATIONAL_LEADER = "national_leader", _("Lãnh đạo Trung ương (xem báo cáo)")


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
# Held on the country (a membership without a division): read every province.
NATIONAL_ROLES = frozenset({Role.NATIONAL_COORDINATOR, Role.NATIONAL_LEADER})
# Record the central level's decisions: the ministry's 5★ OCOP recognitions, the Prime Minister's
# NTM recognitions of districts, towns and provinces (the levels data names which are central).
CENTRAL_ROLES = frozenset({Role.ADMIN, Role.NATIONAL_COORDINATOR})
