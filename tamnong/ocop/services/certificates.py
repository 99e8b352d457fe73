"""OCOP recognition decisions and certificates (quyết định công nhận, giấy chứng nhận): issue, record
the ministry's 5★ result, revoke."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from tamnong.access.roles import CENTRAL_ROLES, PROVINCE_ROLES
from tamnong.access.scope import Scope
from tamnong.audit.services import record_transition
from tamnong.core.formatting import date as vn_date
from tamnong.decisions.models import Decision
from tamnong.decisions.services import record_decision
from tamnong.divisions.models import Level
from tamnong.divisions.services import resolve

from .. import procedure, transition
from ..models import (
    Certificate,
    Dossier,
    Product,
    Regime,
    Revocation,
    expiry_date,
)
from ._base import _changed, _move, fail
from .codes import assign_product_code
from .council import _require_province, ranking
from .dossiers import _require_state


def _certificate_number(product: Product, issued_on: dt.date) -> str:
    province = resolve(product.division, Level.PROVINCE)
    prefix = f"OCOP-{province.code if province else 'VN'}-{issued_on.year}-"
    n = Certificate.objects.filter(number__startswith=prefix).count() + 1
    while Certificate.objects.filter(number=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


def issue_certificate(
    actor,
    *,
    product: Product,
    decision: Decision,
    stars: int,
    issued_on: dt.date,
    regime: Regime,
    dossier: Dossier | None = None,
    score: Decimal | None = None,
    number: str = "",
    expires_on: dt.date | None = None,
) -> Certificate:
    """Issue a certificate; a product's earlier certificate is superseded (re-evaluation/upgrade).

    Never issues for a star the regime does not certify, nor above the dossier's result."""
    if stars not in regime.certified_stars:
        fail("stars", _("Hạng %(stars)s sao không được cấp giấy chứng nhận.") % {"stars": stars})
    if dossier is not None and dossier.kind != Dossier.Kind.IMPORTED:
        if dossier.stars is None or stars > dossier.stars:
            fail("stars", _("Kết quả chấm điểm không cho phép cấp hạng sao này."))
        if dossier.criteria_set_id:
            again = ranking(dossier)
            if again.stars != dossier.stars or again.mean != dossier.mean_score:
                fail(
                    "dossier",
                    _(
                        "Kết quả lưu khác kết quả tính lại từ phiếu đánh giá; không cấp giấy chứng nhận."
                    ),
                )
    months = regime.certificate_months
    previous = (
        Certificate.objects.filter(product=product, issued_on__lte=issued_on)
        .exclude(superseded_by__isnull=False)
        .order_by("-issued_on", "-id")
        .first()
    )
    reason = ""
    if previous is not None:
        reason = {
            Dossier.Kind.UPGRADE: "Nâng hạng",
            Dossier.Kind.RENEWAL: "Đánh giá lại",
        }.get(dossier.kind if dossier else "", "Đánh giá lại, cấp giấy chứng nhận mới")
    cert = Certificate(
        number=number or _certificate_number(product, issued_on),
        product=product,
        producer=product.producer,
        division=product.division,
        dossier=dossier,
        decision=decision,
        regime=regime,
        stars=stars,
        score=score,
        issued_on=issued_on,
        expires_on=expires_on or expiry_date(issued_on, months),
        supersedes=previous,
        correction_reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    cert.save()
    # 26/2026: the product code is given when the product is first recognised (idempotent).
    evaluated = dossier.evaluated_on if dossier is not None and dossier.evaluated_on else issued_on
    assign_product_code(product, year=evaluated.year, regime=regime)
    transaction.on_commit(lambda: _changed(product.division, issued_on))
    return cert


@transaction.atomic
def recognise(
    actor,
    dossiers: list[Dossier],
    *,
    number: str,
    signed_on: dt.date,
    issuer: str,
    signer: str = "",
) -> tuple[Decision, list[Certificate]]:
    """The province's recognition decision (quyết định công nhận) for scored 3★/4★ products."""
    if not dossiers:
        fail("dossiers", _("Chọn ít nhất một sản phẩm."))
    province = resolve(dossiers[0].product.division, Level.PROVINCE)
    _require_province(actor, province)
    for d in dossiers:
        if not d.product.division.path.startswith(province.path):
            fail("dossiers", _("Các sản phẩm của một quyết định phải cùng một tỉnh."))
        if d.state != Dossier.State.SCORED:
            fail(
                "dossiers",
                _("«%(product)s»: hồ sơ chưa được Hội đồng chấm xong hoặc không đạt.")
                % {"product": d.product},
            )
        if transition.past_deadline(d, signed_on):
            fail("dossiers", f"«{d.product}»: {transition.deadline_message(d)}")
        if d.regime.recognising_level(d.stars) not in ("province", "district"):
            fail(
                "dossiers",
                _("«%(product)s»: hạng %(stars)s sao không do tỉnh công nhận.")
                % {"product": d.product, "stars": d.stars},
            )
    return _recognise(
        actor,
        province,
        [(d, d.stars) for d in dossiers],
        decision={"number": number, "signed_on": signed_on, "issuer": issuer, "signer": signer},
        subject=f"Công nhận {len(dossiers)} sản phẩm đạt chuẩn OCOP",
    )


def _recognise(
    actor, province, ranked: list[tuple[Dossier, int]], *, decision: dict, subject: str
) -> tuple[Decision, list[Certificate]]:
    """The one recognition step of the province's decision and of the ministry's: record the
    decision (number, signed_on, issuer, signer in `decision`) and certify each dossier with
    its rank."""
    recorded = record_decision(
        actor, division=province, kind="ocop_recognition", subject=subject, **decision
    )
    return recorded, [_certify(actor, d, recorded, stars) for d, stars in ranked]


def _certify(actor, dossier: Dossier, decision: Decision, stars: int) -> Certificate:
    """The certificate a recognition decision gives a scored dossier, and the dossier's move to
    "recognised". Issued while the dossier still holds the council's result, so that the check
    against the result recomputed from the sheets compares like with like; a lower rank given by
    the ministry (never a higher one) is then kept on the dossier."""
    cert = issue_certificate(
        actor,
        product=dossier.product,
        decision=decision,
        stars=stars,
        issued_on=decision.signed_on,
        regime=dossier.regime,
        dossier=dossier,
        score=dossier.mean_score,
    )
    if dossier.stars != stars:
        dossier.stars = stars
        dossier.save(update_fields=["stars"])
    _move(dossier, Dossier.State.RECOGNISED, f"Quyết định {decision.number}")
    return cert


def may_record_central_result(actor, province) -> bool:
    """The ministry's decision on a forwarded product is recorded by the central level or by the
    province's staff (PROVINCE_ROLES); a national leader, like a provincial one, reads only."""
    return Scope.of(actor).covers(province, CENTRAL_ROLES | PROVINCE_ROLES)


@transaction.atomic
def record_central_result(
    actor, dossier: Dossier, *, stars: int, number: str, signed_on: dt.date, issuer: str
) -> Certificate | None:
    """Record the ministry's decision on a product forwarded for 5★ (or the lower rank it gave):
    by the central level (`CENTRAL_ROLES`: the national coordinator, every province) or by the
    province's staff on a deployment without one (`may_record_central_result`)."""
    province = resolve(dossier.product.division, Level.PROVINCE)
    if not may_record_central_result(actor, province):
        raise PermissionDenied(
            _("Quyết định của Bộ do cấp Trung ương hoặc cấp tỉnh của sản phẩm ghi nhận.")
        )
    _require_state(dossier, Dossier.State.FORWARDED_CENTRAL)
    if stars > (dossier.stars or 0):
        fail("stars", _("Hạng sao Trung ương công nhận không vượt kết quả của hồ sơ."))
    if transition.past_deadline(dossier, signed_on):
        fail("signed_on", transition.deadline_message(dossier))
    if stars not in dossier.regime.certified_stars:
        dossier.stars = stars
        dossier.save(update_fields=["stars"])
        _move(dossier, Dossier.State.NOT_RECOGNISED, f"Trung ương: {stars} sao")
        transition.end_extension(dossier, signed_on)
        return None
    _decision, (cert,) = _recognise(
        actor,
        province,
        [(dossier, stars)],
        decision={"number": number, "signed_on": signed_on, "issuer": issuer},
        subject=f"Công nhận sản phẩm OCOP {stars} sao",
    )
    return cert


def revocation_grounds(day: dt.date) -> dict | None:
    """The `revocation` rule of the regime in force on `day` (grounds, authority by star level,
    days from the finding), or None where the regime has none (1048, 148)."""
    return procedure.rule(Regime.on(day), "revocation")


CENTRAL_ISSUER_WORDS = ("ubnd", "ủy ban nhân dân", "uỷ ban nhân dân")


@transaction.atomic
def revoke(
    actor,
    certificate: Certificate,
    *,
    reason: str,
    number: str,
    signed_on: dt.date,
    issuer: str,
    signer: str = "",
    revoked_on: dt.date | None = None,
    ground: str | None = None,
    found_on: dt.date | None = None,
    late_reason: str = "",
) -> Revocation:
    """Revoke a certificate. Under a regime with a `revocation` rule (26/2026 Điều 8) the ground
    is one of its list, the decision is the authority's of the certificate's star level, and it
    is taken within `within_days` of the finding (later only with the reason for the delay)."""
    province = resolve(certificate.division, Level.PROVINCE)
    _require_province(actor, province)
    if Revocation.objects.filter(certificate=certificate).exists():
        fail("certificate", _("Giấy chứng nhận này đã bị thu hồi."))
    rule = revocation_grounds(signed_on)
    extra: dict = {}
    if rule is not None:
        article = str(rule.get("article") or "")
        grounds = {str(g["code"]): str(g["text"]) for g in rule.get("grounds") or []}
        ground = (ground or "").strip()
        if ground not in grounds:
            fail(
                "ground",
                _("Chọn căn cứ thu hồi theo %(article)s (%(codes)s).")
                % {"article": article, "codes": ", ".join(grounds)},
            )
        if found_on is None:
            fail(
                "found_on",
                _("Cần ngày có kết luận về vi phạm (%(article)s).") % {"article": article},
            )
        if found_on > signed_on:
            fail("found_on", _("Ngày có kết luận không được sau ngày ký quyết định thu hồi."))
        days = int(rule.get("within_days") or 0)
        if days and signed_on > found_on + dt.timedelta(days=days) and not late_reason.strip():
            fail(
                "signed_on",
                _(
                    "Quá thời hạn %(days)s ngày kể từ ngày có kết luận %(found)s (%(article)s.4): "
                    "hạn cuối là ngày %(last)s. Nêu lý do quá hạn để vẫn ghi nhận quyết định."
                )
                % {
                    "days": days,
                    "found": vn_date(found_on),
                    "article": article,
                    "last": vn_date(found_on + dt.timedelta(days=days)),
                },
            )
        authority = (rule.get("authority") or {}).get(certificate.stars) or (
            rule.get("authority") or {}
        ).get(str(certificate.stars))
        if authority is None:
            fail("certificate", _("Dữ liệu chưa quy định thẩm quyền thu hồi hạng sao này."))
        if authority["level"] == "central" and any(
            w in issuer.lower() for w in CENTRAL_ISSUER_WORDS
        ):
            fail(
                "issuer",
                _(
                    "Giấy chứng nhận %(stars)s sao do %(by)s thu hồi (%(article)s.2); "
                    "ghi quyết định của cơ quan có thẩm quyền."
                )
                % {"stars": certificate.stars, "by": authority["decided_by"], "article": article},
            )
        if not reason.strip():
            reason = f"{ground}) {grounds[ground]}"
        else:
            reason = f"{ground}) {grounds[ground]} – {reason.strip()}"
        extra = {
            "ground": ground,
            "found_on": found_on,
            "authority": authority["level"],
            "late_reason": late_reason.strip()[:500],
        }
    elif not reason.strip():
        fail("reason", _("Cần nêu lý do thu hồi."))
    decision = record_decision(
        actor,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        signer=signer,
        division=province,
        kind="ocop_revocation",
        subject=f"Thu hồi giấy chứng nhận OCOP {certificate.number}",
    )
    revocation = Revocation.objects.create(
        certificate=certificate,
        decision=decision,
        revoked_on=revoked_on or signed_on,
        reason=reason.strip()[:500],
        **extra,
    )
    record_transition(certificate, "valid", "revoked", reason[:200])
    transaction.on_commit(lambda: _changed(certificate.division, revocation.revoked_on))
    return revocation
