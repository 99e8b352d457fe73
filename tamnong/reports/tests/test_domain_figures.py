"""DOMAIN.md §0, reproduced from records built for the purpose: "29 communes meet 19 criteria,
5 meet 15–18, 33 meet 10–14, 28 meet 5–9; the province averages 12.81 criteria per commune,
+0.36 on the previous year"."""

import datetime as dt

from tamnong.divisions.models import Division, Level, MapVersion
from tamnong.reports.summary import Period, build_summary, paragraph_text

# criteria met in 2025 (95 communes: 29 × 19, 5 × 16, 33 × 12, 22 × 7, 6 × 6) and in 2024
MET_2025 = [19] * 29 + [16] * 5 + [12] * 33 + [7] * 22 + [6] * 6
MET_2024 = [13] * 43 + [12] * 52


def province_of_95_communes():
    mv = MapVersion.objects.create(key="test-2025", name="thử", valid_from=dt.date(2025, 7, 1))
    province = Division.objects.create(
        map=mv, code="98", name="Tỉnh Thử", kind="tinh", level=Level.PROVINCE, path=""
    )
    province.path, province.current_id = f"/{province.pk}/", province.pk
    province.save()
    communes = Division.objects.bulk_create(
        Division(
            map=mv,
            code=f"98{i:03d}",
            name=f"Xã {i:02d}",
            kind="xa",
            level=Level.COMMUNE,
            parent=province,
            path="",
        )
        for i in range(95)
    )
    for c in communes:
        c.path, c.current_id = f"{province.path}{c.pk}/", c.pk
    Division.objects.bulk_update(communes, ["path", "current"])
    return province, communes


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
            rows.append(
                Assessment(
                    division=commune,
                    commune=commune,
                    year=year,
                    criteria_set=cs,
                    set_key=cs.key,
                    column="tdmnpb",
                    reference_date=dt.date(year, 12, 31),
                    criteria_met=n,
                    criteria_total=total,
                    band=cs.band_for(n),
                    missing=list(range(n + 1, total + 1)),
                    meets=n == total,
                    status="ntm" if n == total else "not_yet",
                )
            )
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
