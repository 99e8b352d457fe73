"""Listen to the other programmes: refresh derived NTM indicators when their figures change."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def refresh_on_figures_changed(sender=None, *, source: str, division, year: int, **kwargs) -> None:
    from .services import on_figures_changed

    changed = on_figures_changed(source, division, int(year))
    if changed:  # an import touches every commune; only refreshed assessments are worth a line
        log.info(
            "ntm: %s changed for %s/%s, %s derived values refreshed",
            source,
            division,
            year,
            changed,
        )
