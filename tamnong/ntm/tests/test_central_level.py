"""The Prime Minister's NTM recognitions (tỉnh, huyện, thị xã: `decided_by: central` in the
levels data) are recorded at the central level; the province's own (xã, thôn) are not."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tamnong.accounts.models import Membership, Role, User
from tamnong.ntm import services
from tamnong.ntm.levels import levels
from tamnong.ntm.models import RecognitionKind

PM = {"signed_on": dt.date(2025, 12, 20), "issuer": "Thủ tướng Chính phủ"}


def national(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password="Mat-khau-thu-1")
    Membership.objects.create(user=user, division=None, role=role)
    return user


def test_the_levels_data_names_the_central_decisions():
    data = levels()
    assert data.scale_of(RecognitionKind.PROVINCE_COMPLETED, 2025).decided_by == "central"
    assert data.scale_of(RecognitionKind.DISTRICT_NTM, 2024).decided_by == "central"
    assert data.scale_of(RecognitionKind.COMMUNE_NTM, 2025).decided_by == "province"
    assert data.scale_of(RecognitionKind.PROVINCE_COMPLETED, 2026).decided_by == "central"


@pytest.mark.parametrize("where", ["old_province_1", "old_province_2"])
def test_the_national_coordinator_records_the_prime_ministers_recognitions(where, geo):
    coordinator = national("vpdptw", Role.NATIONAL_COORDINATOR)
    unit = getattr(geo, where)
    rec = services.record_historical(
        coordinator, unit, RecognitionKind.PROVINCE_COMPLETED, 2023, number="9/QĐ-TTg",
        signed_on=dt.date(2023, 12, 20), issuer="Thủ tướng Chính phủ",
    )  # fmt: skip
    assert rec.decision.kind == "ntm_recognition" and rec.decision.created_by == coordinator
    district = services.record_historical(
        coordinator, geo.old_district, RecognitionKind.DISTRICT_NTM, 2023, number="9/QĐ-TTg",
        signed_on=dt.date(2023, 12, 20), issuer="Thủ tướng Chính phủ",
    )  # fmt: skip
    assert district.decision == rec.decision  # one decision, several units


def test_the_national_coordinator_does_not_record_a_provinces_own_decision(geo):
    coordinator = national("vpdptw", Role.NATIONAL_COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.record_historical(
            coordinator, geo.commune_a, RecognitionKind.COMMUNE_NTM, 2025, number="1/QĐ-UBND", **PM
        )


@pytest.mark.parametrize("who", ["national_leader", "leader", "alice"])
def test_readers_cannot_record_a_central_recognition(who, geo, personas):
    user = (
        national("tw", Role.NATIONAL_LEADER) if who == "national_leader" else getattr(personas, who)
    )
    with pytest.raises(PermissionDenied):
        services.record_historical(
            user, geo.old_province_1, RecognitionKind.PROVINCE_COMPLETED, 2023, number="9/QĐ-TTg",
            signed_on=dt.date(2023, 12, 20), issuer="Thủ tướng Chính phủ",
        )  # fmt: skip


def test_the_recognitions_page_offers_the_form_to_the_national_coordinator(geo, client):
    from django.urls import reverse

    client.force_login(national("vpdptw", Role.NATIONAL_COORDINATOR))
    page = client.get(reverse("ntm:recognitions", args=[geo.other_province.pk]))
    assert page.status_code == 200 and 'id="record-form"' in page.content.decode()
    client.force_login(national("ldtw", Role.NATIONAL_LEADER))
    page = client.get(reverse("ntm:recognitions", args=[geo.other_province.pk]))
    assert page.status_code == 200 and 'id="record-form"' not in page.content.decode()
