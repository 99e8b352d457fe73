"""OCOP expiry notices (thông báo hết hạn) sent to certificate holders before expiry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.accounts.models import Membership, Role
from tamnong.core.formatting import date as vn_date

from ..models import (
    Certificate,
    Dossier,
    ExpiryNotice,
    Notification,
    ReevaluationNotice,
    Regime,
)
from ._base import _commune_of
from .deadlines import reevaluation_window, window_rule


def _recipients(cert: Certificate) -> list:
    """The holder's producer users and the officers of the product's commune."""
    memberships = list(
        Membership.objects.filter(
            role=Role.PRODUCER, producer_ref=cert.producer.code
        ).select_related("user")
    )
    commune = _commune_of(cert.division)
    if commune is not None:
        memberships += list(
            Membership.objects.filter(role=Role.COMMUNE_OFFICER, division=commune).select_related(
                "user"
            )
        )
    return list({m.user_id: m.user for m in memberships}.values())


def send_expiry_notices(today: dt.date | None = None) -> dict:
    """Tell holders and their commune that a certificate expires within the regime's notice period
    (`notice_days`): once per certificate, in-app and by e-mail where an address is known."""
    today = today or timezone.localdate()
    longest = max((r.notice_days for r in Regime.objects.all()), default=0)
    candidates = (
        Certificate.objects.valid_on(today)
        .filter(expires_on__lte=today + dt.timedelta(days=longest), expiry_notice__isnull=True)
        .select_related("product", "producer", "division", "regime")
    )

    def message(cert):
        days = (cert.expires_on - today).days
        if days > cert.regime.notice_days:
            return None
        facts = _facts(cert, stars=cert.stars, days=days)
        title = (
            _("Giấy chứng nhận OCOP %(number)s (%(product)s) hết hiệu lực ngày %(expires)s") % facts
        )
        body = (
            _(
                "Sản phẩm «%(product)s» của %(producer)s (%(stars)s sao) có giấy chứng nhận "
                "số %(number)s hết hiệu lực ngày %(expires)s (còn %(days)s ngày). "
                "Chủ thể cần nộp hồ sơ đánh giá lại (phiếu đăng ký và báo cáo cập nhật kết quả 3 năm)."
            )
            % facts
        )
        return title, body

    return _send(candidates, ExpiryNotice, "expiry", today, message)


def _facts(cert, **more) -> dict:
    return {
        "number": cert.number,
        "product": cert.product,
        "producer": cert.producer,
        "expires": vn_date(cert.expires_on),
        **more,
    }


def _send(candidates, notice, key: str, today: dt.date, message) -> dict:
    """Each certificate whose `message(cert)` is a (title, body): its notice (`notice`, one per
    certificate) recorded with its in-app notices, then the e-mail; what was sent."""
    certificates = notified = mails = 0
    for cert in candidates:
        told = message(cert)
        if told is None:
            continue
        title, body = told
        with transaction.atomic():
            _notice, created = notice.objects.get_or_create(
                certificate=cert, defaults={"sent_on": today}
            )
            if not created:
                continue
            new, emails = _notify(cert, key, title, body)
            notified += new
            certificates += 1
        mails += _mail(cert, title, body, emails)
    return {"certificates": certificates, "notified": notified, "emails": mails}


def _notify(cert, key: str, title: str, body: str) -> tuple[int, set[str]]:
    """One in-app notice per recipient of the certificate (once per `key`), and the addresses to
    mail (the holder's and the recipients')."""
    link = reverse("ocop:certificate", args=[cert.pk])
    emails = {cert.producer.email} if cert.producer.email else set()
    notified = 0
    for user in _recipients(cert):
        _n, new = Notification.objects.get_or_create(
            user=user,
            key=f"{key}:{cert.pk}",
            defaults={"title": title[:255], "body": body, "link": link},
        )
        notified += int(new)
        if user.email:
            emails.add(user.email)
    return notified, emails


def _mail(cert, title: str, body: str, emails: set[str]) -> int:
    """The e-mail of a notice (after its transaction), to every address; how many were sent."""
    if not emails:
        return 0
    link = reverse("ocop:certificate", args=[cert.pk])
    send_mail(
        title, f"{body}\n\n{settings.SITE_URL}{link}", None, sorted(emails), fail_silently=True
    )
    return len(emails)


def send_reevaluation_notices(today: dt.date | None = None) -> dict:
    """Tell the holder (and the commune) that the re-evaluation window of a certificate is open
    (26/2026 Điều 7.6.a: no earlier than 180, no later than 120 days before expiry), under the
    regime in force on the day the window opens: once per certificate, while the certificate is
    valid and no re-evaluation has been filed."""
    today = today or timezone.localdate()
    earliest = max(
        (int(w["earliest"]) for r in Regime.objects.all() if (w := window_rule(r))), default=0
    )
    if not earliest:
        return {"certificates": 0, "notified": 0, "emails": 0}
    filed = Dossier.objects.filter(
        previous_certificate=models.OuterRef("pk"), kind=Dossier.Kind.RENEWAL
    )
    candidates = (
        Certificate.objects.valid_on(today)
        .filter(
            expires_on__lte=today + dt.timedelta(days=earliest), reevaluation_notice__isnull=True
        )
        .filter(~models.Exists(filed))
        .select_related("product", "producer", "division")
    )

    def message(cert):
        window = reevaluation_window(cert, on=today)
        if window is None or window.early:
            return None
        facts = _facts(cert, window=window.describe())
        title = _("Đã đến thời hạn nộp hồ sơ đánh giá lại sản phẩm OCOP «%(product)s»") % facts
        body = (
            _(
                "Giấy chứng nhận OCOP số %(number)s của sản phẩm «%(product)s» (%(producer)s) "
                "hết hiệu lực ngày %(expires)s. Hồ sơ đánh giá lại (Mẫu 01, Mẫu 02 cập nhật) "
                "được nộp %(window)s."
            )
            % facts
        )
        return title, body

    return _send(candidates, ReevaluationNotice, "reevaluation", today, message)
