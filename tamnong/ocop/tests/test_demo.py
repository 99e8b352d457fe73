import datetime as dt

from django.db.models import Count

from tamnong.accounts.models import Membership, Role
from tamnong.demo.registry import DemoContext
from tamnong.ocop.demo import DEMO_PRODUCER, build_ocop
from tamnong.ocop.models import Certificate, Dossier, Notification, Product
from tamnong.testing.ocop import user_with


def test_the_demo_step_builds_a_realistic_registry(geo, personas):
    users = {
        "quantri": personas.admin,
        "dieuphoi": personas.coordinator,
        "canboxa": personas.alice,
        "hoidong": personas.council,
        "thuky": personas.secretary,
        "chuthe": user_with("chuthe", geo.commune_a, Role.PRODUCER, producer_ref=DEMO_PRODUCER),
    }
    ctx = DemoContext(
        province=geo.province, seed=2025, households=0, say=lambda _m: None, users=users
    )
    build_ocop(ctx)
    assert 250 <= Product.objects.count() <= 600
    today = dt.date.today()
    states = [c.status_on(today)[0] for c in Certificate.objects.all()]
    assert (
        states.count(Certificate.Status.EXPIRED) >= 20
        and states.count(Certificate.Status.VALID) >= 50
    )
    # The demo producer user acts for a real producer and sees its own products only.
    mine = Product.objects.visible_to(users["chuthe"])
    assert mine.count() == 3 and {p.producer.code for p in mine} == {DEMO_PRODUCER}
    assert Membership.objects.get(user=users["chuthe"]).producer_ref == DEMO_PRODUCER
    assert Notification.objects.filter(user=users["chuthe"]).exists()
    evaluating = Dossier.objects.get(product__name="Quýt vàng Demo")
    assert evaluating.state == Dossier.State.IN_SESSION
    # Dossiers of 2026 (from 22/05/2026) under 26/2026, older ones under 148 and 1048.
    assert evaluating.regime.key == "qd26-2026"
    assert evaluating.criteria_set.decision == "26/2026/QĐ-TTg"
    regimes = dict(
        Dossier.objects.filter(kind=Dossier.Kind.IMPORTED)
        .values_list("regime__key")
        .annotate(n=Count("pk"))
    )
    assert regimes.get("qd26-2026", 0) >= 5 and regimes.get("qd148", 0) >= 5
    assert regimes.get("qd1048", 0) >= 5
    assert not Dossier.objects.filter(
        registered_on__lt=dt.date(2026, 5, 22), regime__key="qd26-2026"
    ).exists()
    build_ocop(ctx)  # a second run changes nothing
    assert Product.objects.filter(producer__code=DEMO_PRODUCER).count() == 3
