"""Demo province: a realistic OCOP registry (a few hundred products since 2019, some certificates
expired or revoked, re-certifications, market channels), the demo producer "chuthe" with its own
products, and one evaluation in progress through the 148/1489 workflow."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from tamnong.decisions.services import record_decision
from tamnong.demo.registry import DemoContext, step
from tamnong.divisions.models import Level

from . import criteria as crit
from . import rules, services, transition
from .models import Channel, Dossier, Producer, ProducerKind, Regime, Seat

DEMO_PRODUCER = "CT00-00001"  # a code like the others (CT20-00001), never shown as "demo-…"

# (product name, product set no.) – specialities of a northern mountain province.
PRODUCTS = [
    ("Miến dong", 6),
    ("Hồi khô", 10),
    ("Tinh dầu hồi", 20),
    ("Chè Shan tuyết", 11),
    ("Rượu men lá", 14),
    ("Mật ong bạc hà", 4),
    ("Thạch đen", 7),
    ("Quýt vàng", 1),
    ("Na dai", 1),
    ("Hồng không hạt", 1),
    ("Măng khô", 7),
    ("Trà hoa vàng", 12),
    ("Lạp sườn hun khói", 8),
    ("Vịt quay mắc mật", 8),
    ("Khâu nhục", 8),
    ("Gạo Bao thai", 3),
    ("Thổ cẩm dệt tay", 22),
    ("Mây tre đan", 21),
    ("Bánh coóc mò", 6),
    ("Trám đen ướp muối", 7),
    ("Nấm hương rừng", 4),
    ("Trâu gác bếp", 8),
    ("Cà phê hạt rang", 13),
    ("Nước khoáng thiên nhiên", 16),
    ("Du lịch cộng đồng bản", 26),
]
PRODUCER_PREFIX = {
    ProducerKind.COOPERATIVE: "HTX",
    ProducerKind.ENTERPRISE: "Công ty TNHH",
    ProducerKind.COOP_GROUP: "Tổ hợp tác",
    ProducerKind.HOUSEHOLD: "Hộ kinh doanh",
}
SURNAMES = ["Hoàng", "Nông", "Lương", "Vi", "Lộc", "Triệu", "Đinh", "Lục", "Hà", "Mã"]
GIVEN = ["Văn Tài", "Thị Lan", "Văn Hùng", "Thị Mai", "Văn Bình", "Thị Hoa", "Văn Sáng", "Thị Nga"]
SUPERMARKETS = ["Co.opmart", "WinMart", "GO!", "MM Mega Market", "Lotte Mart"]
ECOMMERCE = ["Shopee", "Tiki", "Lazada", "postmart.vn", "Voso"]
EXPORT = ["CN", "JP", "KR", "US", "DE", "SG"]


def _decision(actor, province, day: dt.date, n: int, revocation: bool = False):
    kind = "ocop_revocation" if revocation else "ocop_recognition"
    return record_decision(
        actor,
        number=f"{n}/QĐ-UBND",
        signed_on=day,
        issuer=f"UBND {province.name}",
        division=province,
        kind=kind,
        subject="Thu hồi giấy chứng nhận OCOP" if revocation else "Công nhận sản phẩm OCOP",
    )


@step(40, "ocop")
@transaction.atomic
def build_ocop(ctx: DemoContext) -> None:
    rules.load_bundled()
    if Producer.objects.filter(code=DEMO_PRODUCER).exists():
        ctx.say("OCOP: đã có dữ liệu mẫu")
        return
    rng = random.Random(ctx.seed + 148)
    province = ctx.province
    communes = list(province.children.filter(level=Level.COMMUNE).order_by("code"))
    rural = [c for c in communes if c.kind == "xa"] or communes
    admin = ctx.users.get("quantri")
    regimes = {r.key: r for r in Regime.objects.all()}
    kinds = (
        [ProducerKind.COOPERATIVE] * 40
        + [ProducerKind.ENTERPRISE] * 25
        + [ProducerKind.HOUSEHOLD] * 30
        + [ProducerKind.COOP_GROUP] * 5
    )
    decision_no = 1000
    producers = []
    for i in range(120):
        commune = rng.choice(rural)
        kind = rng.choice(kinds)
        owner = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        name = (
            f"{PRODUCER_PREFIX[kind]} {owner}"
            if kind == ProducerKind.HOUSEHOLD
            else f"{PRODUCER_PREFIX[kind]} {rng.choice(['Nông sản', 'Đặc sản', 'Dược liệu', 'Thực phẩm'])} {commune.name.replace('Xã ', '').replace('Phường ', '')}"
        )
        producers.append(
            Producer.objects.create(
                code=f"CT{province.code}-{i + 1:05d}",
                name=name,
                kind=kind,
                registration_no=f"47{rng.randint(10**7, 10**8 - 1)}",
                representative=owner,
                division=commune,
                address=f"Thôn {rng.choice(['Nà Pàn', 'Khòn Khẻ', 'Pò Mới', 'Còn Lệnh'])}",
                phone=f"09{rng.randint(10**7, 10**8 - 1)}",
            )
        )
    products = 0
    certificates = expired = revoked = 0
    history_dates = [
        dt.date(2019, 11, 20),
        dt.date(2020, 12, 15),
        dt.date(2021, 10, 28),
        dt.date(2022, 11, 30),
        dt.date(2023, 10, 25),
        dt.date(2024, 11, 15),
        dt.date(2025, 10, 30),
        # QĐ 26/2026 from 22/05/2026: the province's round 2 (Điều 5.1, decided before 30/12)
        dt.date(2026, 10, 29),
    ]
    today = dt.date.today()
    for producer in producers:
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4])):
            label, set_no = rng.choice(PRODUCTS)
            products += 1
            product = services.create_product(
                admin,
                producer,
                name=f"{label} {producer.division.name.replace('Xã ', '').replace('Phường ', '')}",
                set_no=set_no,
                description=f"{label}, sản phẩm đặc trưng của {producer.division.name}.",
            )
            if rng.random() < 0.35:
                product.channels.create(
                    kind=Channel.Kind.SUPERMARKET, name=rng.choice(SUPERMARKETS)
                )
            if rng.random() < 0.45:
                product.channels.create(kind=Channel.Kind.ECOMMERCE, name=rng.choice(ECOMMERCE))
            if rng.random() < 0.06:
                country = rng.choice(EXPORT)
                product.channels.create(kind=Channel.Kind.EXPORT, name=country, country=country)
            if rng.random() < 0.15:
                continue  # registered, never certified
            day = rng.choice(history_dates)
            cert = None
            # Each result under the regime of its date: 1048, 148, 148/1489, and 26/2026 for the
            # dossiers of 2026 (re-evaluations of the 2023 certificates, the 2026 round).
            while day <= min(dt.date(2026, 12, 31), today):
                # Judged under the regime of the filing date, 45 days before the decision; one
                # that a replaced regime could not finish in its transition is filed under the new.
                filed = day - dt.timedelta(days=45)
                regime = Regime.on(filed) or regimes["qd1048"]
                probe = Dossier(regime=regime, kind=Dossier.Kind.RENEWAL, registered_on=filed)
                if transition.past_deadline(probe, day):
                    filed = regime.valid_to + dt.timedelta(days=1)
                    regime = Regime.on(filed)
                score = Decimal(rng.choice([52, 55, 58, 61, 64, 67, 71, 74, 78, 82])) + Decimal(
                    rng.choice(["0", "0.25", "0.5", "0.75"])
                )
                stars = regime.band(score)
                decision_no += 1
                dossier = Dossier.objects.create(
                    product=product,
                    kind=Dossier.Kind.IMPORTED,
                    state=Dossier.State.RECOGNISED,
                    regime=regime,
                    registered_on=filed,
                    mean_score=score,
                    band=stars,
                    stars=stars,
                    council_level="district"
                    if regime.key == "qd148" and stars == 3
                    else "province",
                    evaluated_on=day - dt.timedelta(days=10),
                    import_key=f"demo|{product.code}|{day.isoformat()}",
                )
                cert = services.issue_certificate(
                    admin,
                    product=product,
                    decision=_decision(admin, province, day, decision_no),
                    stars=stars,
                    issued_on=day,
                    regime=regime,
                    dossier=dossier,
                    score=score,
                )
                certificates += 1
                # Re-evaluated on expiry by about half of the holders.
                if rng.random() < 0.5:
                    day = cert.expires_on - dt.timedelta(days=rng.randint(5, 40))
                else:
                    break
            if cert is not None and cert.expires_on <= dt.date.today():
                expired += 1
            if cert is not None and rng.random() < 0.03 and cert.expires_on > dt.date.today():
                decision_no += 1
                services.revoke(
                    admin,
                    cert,
                    reason="Không duy trì tiêu chí bắt buộc (công bố chất lượng)",
                    number=f"{decision_no}/QĐ-UBND",
                    signed_on=dt.date(2025, 9, 15),
                    issuer=f"UBND {province.name}",
                )
                revoked += 1
    _demo_producer(ctx, rural[0])
    ctx.say(
        f"OCOP: {len(producers) + 1} chủ thể, {products + 3} sản phẩm, {certificates + 2} giấy chứng nhận "
        f"({expired} đã hết hạn, {revoked} bị thu hồi)"
    )


def _demo_producer(ctx: DemoContext, commune) -> None:
    """The producer the demo user "chuthe" acts for: one valid 4★ product, one expiring within 30
    days (its notice shows), and one product being evaluated now (council session open)."""
    users = ctx.users
    admin = users.get("quantri")
    province = ctx.province
    producer = Producer.objects.create(
        code=DEMO_PRODUCER,
        name="HTX Nông sản Demo",
        kind=ProducerKind.COOPERATIVE,
        registration_no="4700000001",
        representative="Hoàng Thị Demo",
        division=commune,
        email="htx-demo@tamnong.local",
    )
    today = dt.date.today()
    regime = Regime.on(dt.date(2024, 1, 1))
    for name, set_no, issued, stars in [
        ("Miến dong Demo", 6, dt.date(2024, 12, 10), 4),
        ("Hồi khô Demo", 10, today - dt.timedelta(days=3 * 365 - 20), 3),
    ]:
        product = services.create_product(admin, producer, name=name, set_no=set_no)
        services.issue_certificate(
            admin,
            product=product,
            decision=_decision(admin, province, issued, 9000 + set_no),
            stars=stars,
            issued_on=issued,
            regime=Regime.on(issued) or regime,
            score=Decimal("75.50") if stars == 4 else Decimal("62.00"),
        )
    services.send_expiry_notices(today)
    # An evaluation in progress under the regime in force (26/2026 since 22/05/2026): submitted,
    # checked by the commune, in session; scored on the set version the dossier pinned.
    product = services.create_product(
        users["chuthe"],
        producer,
        name="Quýt vàng Demo",
        set_no=1,
        raw_material_area="Đồi quýt thôn Nà Pàn",
        raw_material_ha=Decimal("12.5"),
    )
    dossier = services.open_dossier(users["chuthe"], product)
    content = dossier.criteria_set.content
    answers = {}
    for c in crit.criteria_of(content):
        if c.get("alternative") and not c["alternative"].startswith("Trường hợp 1"):
            continue
        answers[c["code"]] = sorted(o["points"] for o in c["options"])[len(c["options"]) // 2]
    services.save_self_assessment(users["chuthe"], dossier, answers)
    from django.core.files.base import ContentFile

    upload = ContentFile(b"%PDF-1.4\n% Phieu dang ky (mau)\n", name="phieu-dang-ky.pdf")
    services.add_file(users["chuthe"], dossier, kind="registration", upload=upload)
    services.submit_dossier(users["chuthe"], dossier)
    local = {c["code"]: answers[c["code"]] for c in crit.commune_criteria(content)}
    services.commune_assess(
        users["canboxa"],
        dossier,
        answers=local,
        report="Hồ sơ đầy đủ; nguyên liệu trồng tại xã; 80% lao động địa phương.",
    )
    session = services.create_session(
        users["dieuphoi"],
        division=province,
        name=f"Phiên Hội đồng OCOP tỉnh năm {today.year}",
        held_on=today,
        seats=[
            (users["hoidong"], Seat.Role.MEMBER),
            (users["thuky"], Seat.Role.SECRETARY),
            (users["dieuphoi"], Seat.Role.CHAIR),
        ],
    )
    services.add_to_session(users["dieuphoi"], session, [dossier])
