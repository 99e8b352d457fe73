"""Officers correct a producer's record (name, address, commune) on its page and through the API:
scoped to the officers of its commune, audited with before and after."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tamnong.accounts.models import ApiToken
from tamnong.audit.models import AuditEvent
from tamnong.ocop import services
from tamnong.ocop.models import Producer
from tamnong.testing.ocop import install_synthetic, producer_and_product


@pytest.fixture
def producer(geo, personas):
    install_synthetic()
    producer, _product = producer_and_product(geo, personas)
    return producer


def _form(producer, **changes) -> dict:
    data = {
        "name": producer.name,
        "kind": producer.kind,
        "registration_no": producer.registration_no,
        "representative": producer.representative,
        "division": producer.division_id,
        "address": producer.address,
        "phone": producer.phone,
        "email": producer.email,
    }
    return {**data, **changes}


def test_an_officer_corrects_the_name_and_address_on_the_producer_page(client, producer, personas):
    client.force_login(personas.alice)
    page = client.get(reverse("ocop:producer", args=[producer.pk])).content.decode()
    assert reverse("ocop:producer_edit", args=[producer.pk]) in page
    url = reverse("ocop:producer_edit", args=[producer.pk])
    assert "HTX Chè An Bình" in client.get(url).content.decode()
    response = client.post(url, _form(producer, name="HTX Chè Xanh An Bình", address="Thôn A1"))
    assert response.status_code == 302
    producer.refresh_from_db()
    assert (producer.name, producer.address) == ("HTX Chè Xanh An Bình", "Thôn A1")
    event = AuditEvent.objects.filter(
        object_id=str(producer.pk), action=AuditEvent.Action.UPDATE, before__isnull=False
    ).latest("id")
    assert (
        event.before["name"] == "HTX Chè An Bình" and event.after["name"] == "HTX Chè Xanh An Bình"
    )
    assert event.actor == personas.alice and event.model.lower() == "ocop.producer"


def test_a_bad_correction_is_refused_in_vietnamese_and_nothing_is_written(
    client, producer, personas
):
    client.force_login(personas.alice)
    url = reverse("ocop:producer_edit", args=[producer.pk])
    response = client.post(url, _form(producer, name="HTX Mới", email="không-phải-thư"))
    assert response.status_code == 400
    producer.refresh_from_db()
    assert producer.name == "HTX Chè An Bình"


def test_only_officers_of_its_commune_edit_a_producer(client, producer, personas):
    url = reverse("ocop:producer_edit", args=[producer.pk])
    # bob (another commune) may not see it: 404; the producer and the leader see it: 403
    for user, code in ((personas.bob, 404), (personas.producer, 403), (personas.leader, 403)):
        client.force_login(user)
        assert client.get(url).status_code == code, user
        assert client.post(url, _form(producer, name="Đổi trộm")).status_code == code, user
    client.force_login(personas.producer)  # the producer sees its page, without the edit link
    page = client.get(reverse("ocop:producer", args=[producer.pk])).content.decode()
    assert url not in page
    producer.refresh_from_db()
    assert producer.name == "HTX Chè An Bình"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=personas.bob).exists()


def _patch(client, user, producer, data):
    _t, raw = ApiToken.issue(user, "test")
    return client.patch(
        f"/api/v1/ocop/producers/{producer.pk}",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_the_api_corrects_a_producer_and_moves_its_products_with_it(
    client, producer, personas, geo
):
    assert _patch(client, personas.bob, producer, {"name": "Đổi trộm"}).status_code == 404
    r = _patch(client, personas.alice, producer, {"phone": "0912345678"})
    assert r.status_code == 200, r.json()
    assert r.json()["name"] == "HTX Chè An Bình"
    assert Producer.objects.get(pk=producer.pk).phone == "0912345678"
    # the commune officer may not move it out of her commune; the province may
    r = _patch(client, personas.alice, producer, {"division_id": geo.commune_c.pk})
    assert r.status_code == 403
    r = _patch(client, personas.coordinator, producer, {"division_id": geo.commune_c.pk})
    assert r.status_code == 200, r.json()
    assert set(producer.products.values_list("division", flat=True)) == {geo.commune_c.pk}
    r = _patch(client, personas.coordinator, producer, {"division_id": geo.province.pk})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "division"
    assert _patch(client, personas.coordinator, producer, {"name": "x"}).status_code == 422


def test_the_code_is_not_editable(producer, personas):
    with pytest.raises(TypeError):
        services.update_producer(personas.alice, producer, code="P-2")
    with pytest.raises(PermissionDenied):
        services.update_producer(personas.bob, producer, name="Đổi trộm")
