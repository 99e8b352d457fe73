"""NTM display names: a threshold column code (nhom_1, tdmnpb, chung) by the name the criteria
set's data gives it."""

from django import template

register = template.Library()


@register.filter
def ntm_column(code, criteria_set=None) -> str:
    from tamnong.ntm.models import CriteriaSet

    if not code:
        return "–"
    sets = [criteria_set] if criteria_set is not None else []
    sets += list(CriteriaSet.objects.only("columns").order_by("-pk"))
    for cs in sets:
        for c in cs.columns or []:
            if c.get("code") == code and c.get("name"):
                return c["name"]
    return str(code)
