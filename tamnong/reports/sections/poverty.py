"""Summary section for the poverty module (filled in once the module lands)."""

from __future__ import annotations

from ..summary import ReportContext, Section, section


@section("poverty", order={"ntm": 10, "ocop": 20, "poverty": 30}["poverty"])
def poverty_section(ctx: ReportContext) -> Section | None:
    return None
