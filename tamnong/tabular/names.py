"""Matching a unit given by name (khớp theo tên): "Xã Na Rì", "na ri", "Nà Phặc, huyện Ngân Sơn".

A commune (or village) may be written with or without "xã/phường", with or without diacritics,
by its old or its new name. `UnitMatcher.match(text, day)` looks among the units the user may
write to (their scope, old units that resolve into it included), prefers the units of the map in
force on the row's date and otherwise the newest map that has the name; text after a comma names
the district or province and narrows the candidates. An unknown or ambiguous name is an error
that lists the candidates, never a guess.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict

from django.utils.translation import gettext as _

from .mapping import name_key

_PARENT_WORDS = ("huyen ", "tinh ", "thanh pho ", "quan ", "thi xa ", "tp ")


def _parent_key(text: str) -> str:
    key = name_key(text)
    for word in _PARENT_WORDS:
        if key.startswith(word):
            return key[len(word) :]
    return key


class UnitMatcher:
    def __init__(self, user, level: str) -> None:
        from tamnong.access.scope import Scope
        from tamnong.divisions.models import Division

        self.scope = Scope.of(user) if user is not None else None
        units = list(Division.objects.filter(level=level).select_related("map", "parent"))
        parents = {d.pk: d for d in Division.objects.exclude(level=level).select_related("map")}
        self.by_key: dict[str, list] = defaultdict(list)
        self.ancestors: dict[int, list[str]] = {}
        for unit in units:
            self.by_key[name_key(unit.name)].append(unit)
            chain, p = [], parents.get(unit.parent_id)
            while p is not None:
                chain.append(_parent_key(p.name))
                p = parents.get(p.parent_id)
            self.ancestors[unit.pk] = chain
        self._allowed: dict[int, bool] = {}

    def allowed(self, unit) -> bool:
        if self.scope is None:
            return True
        if unit.pk not in self._allowed:
            self._allowed[unit.pk] = self.scope.can_edit(unit)
        return self._allowed[unit.pk]

    def match(self, text: str, day: dt.date | None):
        """(unit, None) or (None, a Vietnamese reason listing the candidates)."""
        parts = [p.strip() for p in str(text).split(",") if p.strip()]
        if not parts:
            return None, _("Bắt buộc nhập.")
        found = list(self.by_key.get(name_key(parts[0]), []))
        hints = [_parent_key(p) for p in parts[1:]]
        if hints:
            found = [u for u in found if all(h in self.ancestors[u.pk] for h in hints)]
        mine = [u for u in found if self.allowed(u)]
        if found and not mine:
            return None, _("«%(name)s» nằm ngoài phạm vi của bạn.") % {"name": text}
        if not mine:
            return None, self._unknown(parts[0])
        day = day or dt.date.today()
        in_force = [u for u in mine if u.map.is_valid_on(day)]
        if not in_force:  # an old or a new name: the newest map that has it
            newest = max(mine, key=lambda u: u.map.valid_from or dt.date.min).map_id
            in_force = [u for u in mine if u.map_id == newest]
        if len(in_force) == 1:
            return in_force[0], None
        return None, _(
            "Tên «%(name)s» ứng với nhiều đơn vị: %(list)s. Ghi thêm tên huyện/tỉnh sau dấu "
            "phẩy hoặc dùng mã."
        ) % {"name": text, "list": "; ".join(self._label(u) for u in in_force[:10])}

    def _label(self, unit) -> str:
        parent = unit.parent.name if unit.parent_id else ""
        return f"{unit.name} ({parent}, {_('mã')} {unit.code})" if parent else unit.name

    def _unknown(self, text: str) -> str:
        keys = [k for k, units in self.by_key.items() if any(self.allowed(u) for u in units)]
        close = difflib.get_close_matches(name_key(text), keys, n=5, cutoff=0.6)
        names = sorted({u.name for k in close for u in self.by_key[k] if self.allowed(u)})
        if names:
            return _("Không tìm thấy «%(name)s»; có phải: %(list)s?") % {
                "name": text,
                "list": ", ".join(names),
            }
        return _("Không tìm thấy «%(name)s» trong phạm vi của bạn.") % {"name": text}
