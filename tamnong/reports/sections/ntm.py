"""Summary section for the ntm module (filled in once the module lands)."""

from __future__ import annotations

from ..summary import ReportContext, Section, section


@section("ntm", order={"ntm": 10, "ocop": 20, "poverty": 30}["ntm"])
def ntm_section(ctx: ReportContext) -> Section | None:
    return None
