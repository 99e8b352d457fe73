"""The poverty section reproduces figures like "1,581 poor households, 0.69%; 4,236 near-poor,
1.86%" from review records imported through the poverty module."""

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.poverty.importing import import_file
from tamnong.reports.summary import Period, build_summary, paragraph_text
from tamnong.testing.poverty import row, write_csv


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def poverty_section(user, division, period):
    report = build_summary(user, division, Period.parse(period))
    return next(s for s in report.sections if s.key == "poverty")


def test_counts_rates_and_transitions_come_from_the_reviews(client, personas, geo, media):
    rows = []
    # 2024: 8 households in Xã An Bình: 3 poor, 2 near-poor.
    for i in range(8):
        income, deprived = (
            (1_000_000, "1,2,3") if i < 3 else ((1_200_000, "1") if i < 5 else (3_000_000, ""))
        )
        rows.append(row(f"H{i}", year=2024, income=income, deprived=deprived))
    # 2025: H0 escapes, H1 stays poor, H2 becomes near-poor, H5 falls into poverty; 1 household more.
    plan_2025 = {
        0: (3_000_000, ""),
        1: (1_000_000, "1,2,3"),
        2: (1_200_000, ""),
        3: (1_200_000, ""),
        4: (1_200_000, ""),
        5: (900_000, "1,2,3,4"),
        6: (3_000_000, ""),
        7: (3_000_000, ""),
        8: (3_000_000, ""),
    }
    for i, (income, deprived) in plan_2025.items():
        rows.append(row(f"H{i}", year=2025, income=income, deprived=deprived))
    rows.append(
        row("X1", year=2025, commune="90001", income=500_000, deprived="1,2,3")
    )  # other province
    assert import_file(write_csv(media / "ho.csv", rows), user=SYSTEM).ok
    section = poverty_section(personas.coordinator, geo.province, "2024-2025")
    first = paragraph_text(section.paragraphs[0])
    assert first == (
        "Kết quả rà soát năm 2025: 9 hộ, trong đó 2 hộ nghèo, chiếm 22,22%; 3 hộ cận nghèo, "
        "chiếm 33,33%. Tỷ lệ hộ nghèo giảm 15,28 điểm phần trăm so với năm 2024."
    )
    moves = paragraph_text(section.paragraphs[1])
    assert moves.startswith("Trong kỳ 2024–2025, 2 lượt hộ thoát nghèo; 1 hộ nghèo phát sinh mới")
    client.force_login(personas.coordinator)
    poor = next(p for p in section.paragraphs[0] if getattr(p, "link", None) and p.text == "2")
    listed = client.get(poor.link).context["rows"]
    assert sorted(r[0].code for r in listed) == ["H1", "H5"]
    assert section.charts[0].rows == [("2024", [37.5, 25.0]), ("2025", [22.22, 33.33])]


def test_a_commune_officer_sees_only_their_communes_households(personas, geo, media):
    rows = [
        row("A1", year=2025, income=1_000_000, deprived="1,2,3"),
        row("C1", year=2025, commune="10003", income=1_000_000, deprived="1,2,3"),
    ]
    assert import_file(write_csv(media / "ho.csv", rows), user=SYSTEM).ok
    section = poverty_section(personas.alice, geo.commune_a, "2025")
    assert paragraph_text(section.paragraphs[0]).startswith(
        "Kết quả rà soát năm 2025: 1 hộ, trong đó 1 hộ nghèo"
    )


def test_the_dashboard_shows_each_programme_for_the_scope(client, personas, geo, media):
    import datetime as dt

    from django.urls import reverse

    from tamnong.ocop import services as ocop
    from tamnong.poverty.models import ReviewRound
    from tamnong.testing.ocop import install_synthetic, quick_certificate

    rows = [
        row("A1", year=2025, income=1_000_000, deprived="1,2,3"),
        row("A2", year=2025, income=5_000_000),
    ]
    assert import_file(write_csv(media / "ho.csv", rows), user=SYSTEM).ok
    ReviewRound.objects.create(commune=geo.commune_c, year=2025, step=ReviewRound.Step.RECOGNISED)
    install_synthetic()
    producer = ocop.create_producer(
        personas.alice, division=geo.commune_a, name="HTX A", kind="cooperative", code="P-1"
    )
    soon = ocop.create_product(personas.producer, producer, name="Chè sắp hết hạn", set_no=1)
    later = ocop.create_product(personas.producer, producer, name="Miến", set_no=1)
    today = dt.date.today()
    quick_certificate(
        soon, today.replace(year=today.year - 3) + dt.timedelta(days=30), stars=4, number="S1"
    )
    quick_certificate(later, today - dt.timedelta(days=10), stars=3, number="L1")
    client.force_login(personas.leader)
    page = client.get(f"{reverse('reports:dashboard')}?division={geo.province.pk}&year=2025")
    panels = {p.key: p for p in page.context["panels"]}
    assert [f.text for _label, f in panels["poverty"].figures] == ["1", "50,00%", "0", "0,00%"]
    pending = [r[0] for r in panels["poverty"].table.rows]
    assert "Xã An Bình" in pending and "Xã Châu" not in pending
    assert [r[0] for r in panels["ocop"].table.rows] == ["Chè sắp hết hạn"]
    assert panels["ocop"].figures[0][1].text == "2"


def test_the_report_figures_match_the_poverty_module(personas, geo, media):
    from tamnong.poverty import figures
    from tamnong.reports.sections.poverty import yearly_totals
    from tamnong.reports.summary import ReportContext

    rows = [
        row(f"H{i}", year=y, commune=c, income=inc, deprived=d)
        for i, (c, inc, d) in enumerate(
            [
                ("10001", 900_000, "1,2,3"),
                ("10003", 1_100_000, "1"),
                ("20002", 1_900_000, "2,5,6"),
                ("10001", 4_000_000, ""),
            ]
        )
        for y in (2024, 2025)
    ]
    assert import_file(write_csv(media / "ho.csv", rows), user=SYSTEM).ok
    ctx = ReportContext(personas.coordinator, geo.province, Period.parse("2024-2025"))
    totals = yearly_totals(ctx, [2024, 2025])
    for year in (2024, 2025):
        module = figures.summary(geo.province, year, SYSTEM)
        assert (totals[year]["households"], totals[year]["poor"], totals[year]["near_poor"]) == (
            module["households"],
            module["poor"],
            module["near_poor"],
        )
        assert dict(totals[year]["transitions"]) == {
            k: v for k, v in module["transitions"].items() if v
        }
