"""Decision test builder: a decision record written directly (audited under the current actor)."""

from __future__ import annotations

import datetime as dt


def decision(division, number: str = "12/QĐ-UBND", **fields):
    """A decision of `division`: signed 01/09/2025 by "UBND tỉnh", recognising an NTM commune,
    unless `fields` say otherwise (they may add any other field, e.g. `supersedes`)."""
    from tamnong.decisions.models import Decision

    values = {
        "signed_on": dt.date(2025, 9, 1),
        "issuer": "UBND tỉnh",
        "subject": "Công nhận xã NTM",
        "kind": "ntm.recognition",
        **fields,
    }
    return Decision.objects.create(number=number, division=division, **values)
