"""Recording a decision (quyết định): the one way, for OCOP and NTM alike.

A decision document is identified by its issuer, number and signing date. One document may
recognise several products or communes (a province's decision recognising twelve OCOP products,
the ministry's decision on several 5★ products, the Prime Minister's on a district and a
province), so recording the same (issuer, number, date) again **reuses** the decision on record,
as long as what it says agrees:

- the same kind (`KINDS`: a recognition is not a revocation, an OCOP decision not an NTM one);
- the same signer, when both name one (an empty signer means "not stated").

A conflicting reuse is refused, field by field. Numbers of an issuer start again every year
(Nghị định 30/2020/NĐ-CP, Phụ lục I), so the same issuer and number signed on another day of the
same year is refused too: it is a typing error, not another decision. Issuer and number are
compared without surrounding or repeated spaces.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tamnong.divisions.models import Division

from .models import KINDS, Decision


class DecisionError(ValidationError):
    """Bad or conflicting decision fields; `errors` is a list of {field, message} (nothing was
    written). A `ValidationError` with one message list per field."""

    def __init__(self, errors: list[dict]) -> None:
        self.errors = errors
        by_field: dict[str, list[str]] = {}
        for e in errors:
            by_field.setdefault(e["field"], []).append(e["message"])
        super().__init__(by_field)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def record_decision(
    actor,
    *,
    number: str,
    signed_on: dt.date | None,
    issuer: str,
    kind: str,
    division: Division,
    subject: str,
    signer: str = "",
) -> Decision:
    """The decision (issuer, number, signed_on), recorded now or reused; see the module's rule.
    Raises `DecisionError` with every field problem."""
    number, issuer, signer = _clean(number), _clean(issuer), _clean(signer)
    if kind not in KINDS:
        raise ValueError(f"unknown decision kind {kind!r}")
    errors = []
    if not number:
        errors.append({"field": "number", "message": _("Thiếu số quyết định.")})
    if not issuer:
        errors.append({"field": "issuer", "message": _("Thiếu cơ quan ban hành.")})
    if signed_on is None:
        errors.append({"field": "signed_on", "message": _("Thiếu ngày ký.")})
    if errors:
        raise DecisionError(errors)
    same_year = Decision.objects.filter(
        issuer=issuer, number=number, signed_on__year=signed_on.year
    ).order_by("signed_on")
    existing = next((d for d in same_year if d.signed_on == signed_on), None)
    names = {
        "number": number,
        "issuer": issuer,
        "date": signed_on.strftime("%d/%m/%Y"),
    }
    if existing is None:
        other_day = next(iter(same_year), None)
        if other_day is not None:
            raise DecisionError(
                [
                    {
                        "field": "signed_on",
                        "message": _(
                            "Quyết định số %(number)s của %(issuer)s đã có trong hệ thống với "
                            "ngày ký %(recorded)s; số quyết định không lặp lại trong một năm."
                        )
                        % {**names, "recorded": other_day.signed_on.strftime("%d/%m/%Y")},
                    }
                ]
            )
        return Decision.objects.create(
            number=number,
            signed_on=signed_on,
            effective_on=signed_on,
            issuer=issuer,
            signer=signer,
            subject=subject[:500],
            kind=kind,
            division=division,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    if existing.kind != kind:
        errors.append(
            {
                "field": "number",
                "message": _(
                    "Quyết định số %(number)s ngày %(date)s của %(issuer)s đã có trong hệ thống "
                    "là quyết định %(recorded)s, không phải %(given)s."
                )
                % {
                    **names,
                    "recorded": KINDS.get(existing.kind, existing.kind),
                    "given": KINDS[kind],
                },
            }
        )
    if signer and existing.signer and signer != existing.signer:
        errors.append(
            {
                "field": "signer",
                "message": _(
                    "Quyết định số %(number)s ngày %(date)s của %(issuer)s đã có trong hệ thống "
                    "do %(recorded)s ký, không phải %(given)s."
                )
                % {**names, "recorded": existing.signer, "given": signer},
            }
        )
    if errors:
        raise DecisionError(errors)
    return existing
