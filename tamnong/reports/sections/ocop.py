"""Summary section for the ocop module (filled in once the module lands)."""

from __future__ import annotations

from ..summary import ReportContext, Section, section


@section("ocop", order={"ntm": 10, "ocop": 20, "poverty": 30}["ocop"])
def ocop_section(ctx: ReportContext) -> Section | None:
    return None
