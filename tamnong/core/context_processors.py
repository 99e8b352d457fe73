from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tamnong.access.scope import Scope
from tamnong.accounts.models import Role

# The programme a page belongs to (its URL namespace), shown in the site header.
PROGRAMMES = {
    "ocop": _("Chương trình OCOP"),
    "ntm": _("Xây dựng nông thôn mới"),
    "poverty": _("Giảm nghèo bền vững"),
    "reports": _("Báo cáo, thống kê"),
}


def site(request):
    user = getattr(request, "user", None)
    scope = Scope.of(user) if user is not None and user.is_authenticated else None
    # Producers only (no officer role): the menu hides what they may not open.
    officer = bool(scope and (scope.is_admin or any(g.role != Role.PRODUCER for g in scope.grants)))
    match = getattr(request, "resolver_match", None)
    section = (match.namespace.split(":")[0] if match and match.namespace else "") or ""
    return {
        "menu_poverty": officer,
        "menu_reports": officer,
        "SITE_NAME": "Tam Nông",
        "PRODUCTION": settings.PRODUCTION,
        "can_read_audit": bool(user and Scope.of(user).can_read_audit()),
        "section": section,
        "programme": PROGRAMMES.get(section, ""),
        "header_unit": _header_unit(scope),
    }


def _header_unit(scope: Scope | None) -> str:
    """The province (tỉnh) the user works in, for the header: "Toàn quốc" for an administrator,
    the first province and "+N" when the user's grants span several."""
    if scope is None:
        return ""
    if scope.is_admin or scope.is_national:
        return str(_("Toàn quốc"))
    from tamnong.core import datacache

    ids = sorted({g.division_id for g in scope.grants if g.division_id})
    if not ids:
        return ""
    names = datacache.cached_public(
        "divisions.header-provinces", *ids, compute=lambda: _province_names(ids)
    )
    if len(names) > 1:
        return f"{names[0]} +{len(names) - 1}"
    return names[0] if names else ""


def _province_names(ids: list[int]) -> list[str]:
    from tamnong.divisions.models import Division

    names: list[str] = []
    for unit in Division.objects.filter(pk__in=ids).select_related("parent__parent__parent"):
        province = unit.province
        if province is not None and province.name not in names:
            names.append(province.name)
    return names
