"""DOMAIN.md §0, reproduced from records built for the purpose: "29 communes meet 19 criteria,
5 meet 15–18, 33 meet 10–14, 28 meet 5–9; the province averages 12.81 criteria per commune,
+0.36 on the previous year"."""

import datetime as dt

from tamnong.reports.summary import Period, build_summary, paragraph_text
from tamnong.testing.synthetic import assessment, province_with_communes

# criteria met in 2025 (95 communes: 29 × 19, 5 × 16, 33 × 12, 22 × 7, 6 × 6) and in 2024
MET_2025 = [19] * 29 + [16] * 5 + [12] * 33 + [7] * 22 + [6] * 6
MET_2024 = [13] * 43 + [12] * 52


def province_of_95_communes():
    return province_with_communes(
        95,
        code="98",
        name="Tỉnh Thử",
        map_key="test-2025",
        map_name="thử",
        commune_name="Xã {i:02d}",
    )


def test_the_ntm_bands_and_average_of_the_provincial_report(db):
    from tamnong.ntm import criteria
    from tamnong.ntm.models import Assessment

    province, communes = province_of_95_communes()
    criteria.load_builtin(demo=True, demo_province="98")
    cs = criteria.latest("demo-318-xa-ntm")
    total = cs.criteria.count()
    assert total == 19
    rows = []
    for year, met in ((2024, MET_2024), (2025, MET_2025)):
        for commune, n in zip(communes, met, strict=True):
            status = "ntm" if n == total else "not_yet"
            missing = list(range(n + 1, total + 1))
            rows.append(assessment(commune, year, cs, n, total, missing, status))
    Assessment.objects.bulk_create(rows)
    # Issue 16: a level is held by recognition (until revoked), not read from the year's
    # assessment rows: the 29 communes meeting the 19 criteria were recognised in 2025.
    from tamnong.decisions.models import Decision
    from tamnong.ntm.models import Recognition

    decision = Decision.objects.create(
        number="29/QĐ-UBND",
        signed_on=dt.date(2025, 12, 20),
        issuer="UBND tỉnh Thử",
        subject="Công nhận 29 xã đạt chuẩn nông thôn mới năm 2025",
        kind="ntm_recognition",
        division=province,
    )
    Recognition.objects.bulk_create(
        Recognition(division=c, kind="commune_ntm", year=2025, decision=decision)
        for c, n in zip(communes, MET_2025, strict=True)
        if n == total
    )
    from tamnong.accounts.models import User

    admin = User.objects.create_superuser("admin98", password="x" * 12)
    section = next(
        s
        for s in build_summary(admin, province, Period.parse("2024-2025")).sections
        if s.key == "ntm"
    )
    text = paragraph_text(section.paragraphs[0])
    assert (
        "95/95 xã được đánh giá: 29 xã đạt 19 tiêu chí, 5 xã đạt 15–18 tiêu chí, 33 xã đạt 10–14 tiêu chí, "
        "28 xã đạt 5–9 tiêu chí, 0 xã dưới 5 tiêu chí; bình quân 12,81 tiêu chí/xã, "
        "tăng 0,36 tiêu chí so với năm 2024" in text
    )
    assert (
        paragraph_text(section.paragraphs[1])
        == "Đến hết năm 2025, 29/95 xã đạt chuẩn nông thôn mới, chiếm 30,53%."
    )
