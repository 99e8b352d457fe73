"""The OCOP section reproduces figures of the kind provinces report (DOMAIN.md §0):
"N products certified (a 3★, b 4★); M currently valid: K certificates expired after 36 months"."""

import datetime as dt

import pytest
from django.urls import reverse

from tamnong.ocop import services
from tamnong.reports.summary import Period, build_summary, paragraph_text
from tamnong.testing.ocop import cooperative, install_synthetic, quick_certificate


@pytest.fixture
def products(geo, personas):
    install_synthetic()
    producer = cooperative(geo, personas)
    return [
        services.create_product(personas.producer, producer, name=f"Sản phẩm {i}", set_no=1)
        for i in range(9)
    ]


def ocop_section(user, geo, period="2021-2025"):
    report = build_summary(user, geo.province, Period.parse(period))
    return next(s for s in report.sections if s.key == "ocop")


def test_valid_expired_and_new_certificates_are_counted_as_of_the_period_end(
    personas, geo, products
):
    # Two certificates issued in 2021 expired after 36 months (2024); seven issued 2023–2025 are valid.
    quick_certificate(products[0], dt.date(2021, 3, 1), stars=3, number="C0")
    quick_certificate(products[1], dt.date(2021, 6, 1), stars=4, number="C1")
    for i, day in enumerate(
        [
            dt.date(2023, 5, 1),
            dt.date(2024, 2, 29),
            dt.date(2025, 1, 10),
            dt.date(2025, 4, 1),
            dt.date(2025, 6, 30),
        ],
        start=2,
    ):
        quick_certificate(products[i], day, stars=3, number=f"C{i}")
    quick_certificate(products[7], dt.date(2025, 8, 1), stars=4, number="C7")
    quick_certificate(products[8], dt.date(2025, 9, 1), stars=3, number="C8")
    section = ocop_section(personas.coordinator, geo)
    first = paragraph_text(section.paragraphs[0])
    assert first.startswith(
        "Đến ngày 31/12/2025, Tỉnh Mới có 7 sản phẩm OCOP còn hiệu lực (1 sản phẩm 4 sao, "
        "6 sản phẩm 3 sao) của 1 chủ thể"
    )
    texts = [paragraph_text(p) for p in section.paragraphs]
    assert (
        "Trong kỳ 2021–2025, 9 sản phẩm được công nhận mới (2 sản phẩm 4 sao, 7 sản phẩm 3 sao)"
        in texts[1]
    )
    assert texts[2].startswith("Có 2 sản phẩm có giấy chứng nhận đã hết hạn sau 36 tháng")


def test_each_ocop_figure_links_to_the_certificates_behind_it(client, personas, geo, products):
    quick_certificate(products[0], dt.date(2021, 3, 1), stars=3, number="C0")
    quick_certificate(products[1], dt.date(2024, 3, 1), stars=4, number="C1")
    quick_certificate(products[2], dt.date(2025, 3, 1), stars=3, number="C2")
    section = ocop_section(personas.coordinator, geo)
    client.force_login(personas.coordinator)

    def numbers(figure):
        page = client.get(figure.link)
        assert page.status_code == 200
        return sorted(row[0] for row in page.context["rows"])

    def figures(paragraph):
        return [part for part in paragraph if hasattr(part, "link") and part.link]

    valid, four_stars, three_stars = figures(section.paragraphs[0])[:3]
    assert numbers(valid) == ["C1", "C2"]  # valid on 31/12/2025
    assert numbers(four_stars) == ["C1"]
    assert numbers(three_stars) == ["C2"]
    new, renewed = figures(section.paragraphs[1])
    assert numbers(new) == ["C0", "C1", "C2"] and numbers(renewed) == []
    expired, revoked = figures(section.paragraphs[2])
    assert numbers(expired) == ["C0"] and numbers(revoked) == []


def test_the_producer_sees_no_report_of_the_province(client, personas, geo):
    client.force_login(personas.producer)
    response = client.get(f"{reverse('reports:summary')}?division={geo.province.pk}&period=2025")
    assert response.status_code == 403


def test_the_validity_in_the_prose_comes_from_the_regimes(personas, geo, products):
    from tamnong.ocop.models import Regime

    for regime in Regime.objects.all():
        regime.rules = {**regime.rules, "certificate_months": 24}
        regime.save(update_fields=["rules"])
    quick_certificate(products[0], dt.date(2021, 3, 1), stars=3, number="C0")
    texts = [paragraph_text(p) for p in ocop_section(personas.coordinator, geo).paragraphs]
    assert any(
        t.startswith("Có 1 sản phẩm có giấy chứng nhận đã hết hạn sau 24 tháng") for t in texts
    )
