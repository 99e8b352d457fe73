"""OCOP test builders: a synthetic criteria set whose totals are easy to aim at, and a full round trip
up to a scored dossier. Official sets are used where a test is about them (tests name them)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from tamnong.accounts.models import Membership, Role, User
from tamnong.conftest import PASSWORD
from tamnong.decisions.services import record_decision
from tamnong.ocop import rules, services
from tamnong.ocop.models import Seat

SYNTHETIC_SET_NO = 90


def synthetic_raw(set_no: int = SYNTHETIC_SET_NO, **changes) -> dict:
    """A 100-point set: A = a1 (0/10/20, 3★ needs 10) + a2 (0/5/10/20, commune-assessed);
    B = b1 (0/5/15/25, 4★ needs 15); C = c1 (0/10/20/35)."""
    raw = {
        "decision": "148/QĐ-TTg",
        "decision_date": "2023-02-24",
        "set_no": set_no,
        "product_group": "Thực phẩm",
        "product_subgroup": "Thử nghiệm",
        "product_set": "Bộ tổng hợp dùng cho kiểm thử",
        "confidence": "synthetic",
        "parts": [
            {
                "code": "A",
                "name": "Phần A",
                "max_points": 40,
                "criteria": [
                    {
                        "code": "1.a",
                        "group": "1. Nhóm",
                        "name": "Tiêu chí bắt buộc",
                        "max_points": 20,
                        "star_requirements": {3: 10},
                        "options": [
                            {"text": "Không", "points": 0},
                            {"text": "Đạt", "points": 10, "required_for_star": 3},
                            {"text": "Tốt", "points": 20},
                        ],
                    },
                    {
                        "code": "1.b",
                        "group": "1. Nhóm",
                        "name": "Nguồn gốc sản phẩm",
                        "max_points": 20,
                        "assessed_by_commune_1489": "nguồn gốc sản phẩm/nguyên liệu",
                        "options": [
                            {"text": "Không", "points": 0},
                            {"text": "Ít", "points": 5},
                            {"text": "Vừa", "points": 10},
                            {"text": "Nhiều", "points": 20},
                        ],
                    },
                ],
            },
            {
                "code": "B",
                "name": "Phần B",
                "max_points": 25,
                "criteria": [
                    {
                        "code": "2.a",
                        "group": "2. Tiếp thị",
                        "name": "Thị trường",
                        "max_points": 25,
                        "star_requirements": {4: 15},
                        "options": [
                            {"text": "Không", "points": 0},
                            {"text": "Trong tỉnh", "points": 5},
                            {"text": "Ngoài tỉnh", "points": 15, "required_for_star": 4},
                            {"text": "Quốc tế", "points": 25},
                        ],
                    }
                ],
            },
            {
                "code": "C",
                "name": "Phần C",
                "max_points": 35,
                "criteria": [
                    {
                        "code": "3.a",
                        "group": "3. Chất lượng",
                        "name": "Chất lượng",
                        "max_points": 35,
                        "options": [
                            {"text": "Kém", "points": 0},
                            {"text": "Khá", "points": 10},
                            {"text": "Tốt", "points": 20},
                            {"text": "Rất tốt", "points": 35},
                        ],
                    }
                ],
            },
        ],
    }
    raw.update(changes)
    return raw


def install_synthetic(set_no: int = SYNTHETIC_SET_NO, **changes):
    from tamnong.ocop import criteria as crit

    checked = crit.normalise(synthetic_raw(set_no, **changes), rules.decisions())
    assert checked.ok, checked.errors
    cs, _ = rules.install(checked, source_name="synthetic")
    return cs


def install_synthetic_both(set_no: int = SYNTHETIC_SET_NO):
    """The synthetic set under 148 and under 26/2026 (from 22/05/2026), for a test that files a
    dossier today, or on either side of the change."""
    install_synthetic(set_no)
    return install_synthetic(set_no, decision="26/2026/QĐ-TTg", decision_date="2026-05-22")


def answers(a=10, b=10, m=15, c=20) -> dict:
    return {"1.a": a, "1.b": b, "2.a": m, "3.a": c}


def user_with(username: str, division, role: str, producer_ref: str = "", email: str = "") -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username, email=email
    )
    Membership.objects.create(user=user, division=division, role=role, producer_ref=producer_ref)
    return user


def registration_file(name: str = "phieu-dang-ky.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def cooperative(geo, personas, name: str = "HTX Chè An Bình", code: str = "P-1", **fields):
    """A cooperative of Xã An Bình (producer_ref `code`, the `producer` persona's), recorded by
    the commune officer; `fields`: more of the producer's fields."""
    return services.create_producer(
        personas.alice, division=geo.commune_a, name=name, kind="cooperative", code=code, **fields
    )


def producer_and_product(geo, personas, set_no: int = SYNTHETIC_SET_NO, code: str = "P-1"):
    producer = cooperative(geo, personas, code=code, email="htx@example.org")
    product = services.create_product(
        personas.producer, producer, name="Chè xanh An Bình", set_no=set_no
    )
    return producer, product


def forwarded_dossier(geo, personas, product, day=dt.date(2025, 9, 1), commune_b=10):
    dossier = services.open_dossier(personas.producer, product, registered_on=day)
    services.save_self_assessment(personas.producer, dossier, answers(b=commune_b))
    services.add_file(personas.producer, dossier, kind="registration", upload=registration_file())
    services.submit_dossier(personas.producer, dossier)
    if not dossier.regime.has_commune_step:  # before 06/07/2025 the dossier goes straight up
        return dossier
    services.commune_assess(
        personas.alice,
        dossier,
        answers={"1.b": commune_b},
        report="Hồ sơ đầy đủ, nguyên liệu tại xã.",
    )
    return dossier


def council(geo, personas, n: int = 5, day=dt.date(2025, 10, 1), prefix: str = "member"):
    members = [user_with(f"{prefix}{i}", geo.province, Role.COUNCIL_MEMBER) for i in range(n)]
    seats = [(m, Seat.Role.MEMBER) for m in members] + [(personas.secretary, Seat.Role.SECRETARY)]
    session = services.create_session(
        personas.coordinator, division=geo.province, name="Phiên 1/2025", held_on=day, seats=seats
    )
    return session, members


def dossier_in_session(geo, personas, **council_args):
    """The synthetic set installed, a product's dossier forwarded by the commune and put in a new
    council session (`council(**council_args)`), nothing scored yet: (session, dossier, members)."""
    install_synthetic()
    _producer, product = producer_and_product(geo, personas)
    dossier = forwarded_dossier(geo, personas, product)
    session, members = council(geo, personas, **council_args)
    services.add_to_session(personas.coordinator, session, [dossier])
    return session, dossier, members


def through_council(geo, personas, dossier, sheet: dict | None = None, **council_args):
    """A new council session (`council(**council_args)`) scores `dossier`, every member with
    `sheet` (default `answers()`), and the secretary closes it; returns the session, with the
    dossier refreshed."""
    session, members = council(geo, personas, **council_args)
    services.add_to_session(personas.coordinator, session, [dossier])
    for m in members:
        services.submit_sheet(m, session, dossier, sheet or answers())
    services.close_session(personas.secretary, session)
    dossier.refresh_from_db()
    return session


def quick_certificate(product, issued_on, stars=3, number="", regime_key="qd148-1489"):
    """A certificate as the import would record it (no council sheets)."""
    from tamnong.ocop.models import Regime

    regime = Regime.objects.get(key=regime_key)
    decision = record_decision(
        None,
        number=f"QĐ-{issued_on.isoformat()}",
        signed_on=issued_on,
        issuer="UBND tỉnh Tỉnh Mới",
        division=product.division.parent,
        kind="ocop_recognition",
        subject="Công nhận",
    )
    return services.issue_certificate(
        None,
        product=product,
        decision=decision,
        stars=stars,
        issued_on=issued_on,
        regime=regime,
        number=number,
    )


def login(client, user):
    """`client` signed in as `user` (with the test password), after signing out whoever was."""
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def bearer(user):
    """The API header of a fresh token of `user`."""
    from tamnong.accounts.models import ApiToken

    _t, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, user, url, data):
    """POST JSON to the OCOP API as `user`."""
    return client.post(f"/api/v1/ocop{url}", data, content_type="application/json", **bearer(user))
