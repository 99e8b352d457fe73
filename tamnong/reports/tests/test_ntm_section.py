"""The NTM section reproduces figures like "29 communes meet 19 criteria, 5 meet 15–18 …; the
province averages 12.81 criteria per commune, +0.36 on the previous year" from assessments."""

from tamnong.reports.summary import Period, build_summary, paragraph_text
from tamnong.testing.ntm import assess


def ntm_section(user, division, period):
    report = build_summary(user, division, Period.parse(period))
    return next(s for s in report.sections if s.key == "ntm")


def test_bands_average_and_change_come_from_the_assessments(
    client, personas, region_set, no_sources, geo
):
    u = personas.coordinator
    assess(u, geo.old_commune_an, 2024, 3, no_sources)  # 2024 on the old map: 3, 1, 0, 2 → 1,50
    assess(u, geo.old_commune_binh, 2024, 1, no_sources)
    assess(u, geo.old_commune_chau, 2024, 0, no_sources)
    assess(u, geo.old_commune_dong, 2024, 2, no_sources)
    assess(u, geo.commune_a, 2025, 3, no_sources)  # 2025 on the new map: 3, 2, 2 → 2,33
    assess(u, geo.commune_c, 2025, 2, no_sources)
    assess(u, geo.ward, 2025, 2, no_sources)  # a phường: not an NTM unit, counted apart
    assess(personas.admin, geo.other_commune, 2025, 0, no_sources)  # another province
    section = ntm_section(u, geo.province, "2024-2025")
    text = paragraph_text(section.paragraphs[0])
    # issue 16: over the xã of the province (2), the ward's assessment apart: 3 + 2 → 2,50
    assert "Năm 2025" in text and "2/2 xã được đánh giá" in text
    assert "bình quân 2,50 tiêu chí/xã, tăng 1,00 tiêu chí so với năm 2024" in text
    figures = [p for p in section.paragraphs[0] if getattr(p, "link", None)]
    client.force_login(u)
    counts = [client.get(f.link).context["page"].paginator.count for f in figures]
    assert counts[0] == 2  # assessed
    assert sum(counts[1:-1]) == 2  # the bands add up to the communes assessed
    chart = section.charts[0]
    assert chart.rows == [("2024", [1.5]), ("2025", [2.5])]
