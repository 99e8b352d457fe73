import datetime as dt
from decimal import Decimal

from django.urls import reverse

from tamnong.reports import importing
from tamnong.reports.catalog import load_catalog
from tamnong.reports.models import Activity, CatalogEntry, Commendation, Contribution, FundingRecord
from tamnong.reports.summary import Period, build_summary, paragraph_text
from tamnong.testing.reports import fund

HEADER = ",".join(importing.HEADERS) + "\n"


def write_csv(tmp_path, body: str, name="von.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_catalog_comes_from_the_data_file(catalog):
    assert catalog["source"]["nstw"].name == "Ngân sách trung ương"
    assert catalog["source"]["nstw"].is_budget
    assert {"ntm", "giam_ngheo", "ocop"} <= set(catalog["component"])


def test_import_validates_every_row_and_writes_nothing_on_error(tmp_path, personas, geo, catalog):
    path = write_csv(
        tmp_path,
        (
            '01,,2025,ntm,nstw,"1.500,5",1200,\n'  # ok (Vietnamese decimal)
            "99999,,2025,ntm,nstw,100,10,\n"  # unknown unit
            "10001,,20x5,ntm,nstw,100,10,\n"  # bad year
            "10001,,2025,không có,nstw,100,200,\n"  # unknown component + disbursed > allocated
            "90001,,2025,ntm,nstw,100,10,\n"  # other province: out of scope
        ),
    )
    result = importing.import_funding(personas.coordinator, path)
    assert not result.ok
    assert (3, "Mã đơn vị") in {(r, c) for r, c, _ in result.errors}
    assert (4, "Năm") in {(r, c) for r, c, _ in result.errors}
    assert {(5, "Nội dung"), (5, "Vốn giải ngân (triệu đồng)")} <= {
        (r, c) for r, c, _ in result.errors
    }
    assert any(r == 6 and "ngoài phạm vi" in m for r, _c, m in result.errors)
    assert FundingRecord.objects.count() == 0
    assert "Dòng,Cột,Lý do" in importing.errors_csv(result)


def test_import_creates_then_is_idempotent_then_updates(tmp_path, personas, geo, catalog):
    path = write_csv(
        tmp_path,
        '01,,2025,ntm,nstw,"1.500,5",1200,\n10001,,2024,Giảm nghèo bền vững,nsdp,300,300,\n',
    )
    first = importing.import_funding(personas.coordinator, path)
    assert (first.created, first.errors) == (2, [])
    assert FundingRecord.objects.get(year=2025).allocated == Decimal("1500.5")
    again = importing.import_funding(personas.coordinator, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = write_csv(tmp_path, "01,,2025,ntm,nstw,1600,1200,\n", name="v2.csv")
    assert importing.import_funding(personas.coordinator, changed).updated == 1
    assert FundingRecord.objects.count() == 2


def test_one_thousand_five_hundred_means_the_same_amount_as_in_every_import(
    tmp_path, personas, geo, catalog
):
    """ "1.500" is 1 500 (thousands grouped by a dot), as in the poverty import: never 1,5."""
    path = write_csv(
        tmp_path, "01,,2025,ntm,nstw,1.500,1.500,\n10001,,2025,ntm,nstw,1.500.000,0,\n"
    )
    result = importing.import_funding(personas.coordinator, path)
    assert result.ok, result.errors
    got = dict(FundingRecord.objects.values_list("division__code", "allocated"))
    assert got == {"01": Decimal(1500), "10001": Decimal(1_500_000)}
    assert FundingRecord.objects.get(division__code="01").disbursed == Decimal(1500)


def test_a_funding_file_is_refused_whole_with_every_fault_of_each_row(
    tmp_path, personas, geo, catalog
):
    fund(geo.commune_a, 2024, "ntm", "nstw", "1", "1", catalog)
    path = write_csv(tmp_path, "01,,2025,ntm,nstw,10,5,\n99999,,20x5,khác,nstw,abc,-1,\n")
    result = importing.import_funding(personas.coordinator, path)
    assert {c for r, c, _m in result.errors if r == 3} == {
        "Mã đơn vị", "Năm", "Nội dung", "Vốn phân bổ (triệu đồng)", "Vốn giải ngân (triệu đồng)",
    }  # fmt: skip
    assert (result.rows, result.rejected, result.skipped, result.created) == (2, 1, 1, 0)
    assert FundingRecord.objects.count() == 1


def test_a_funding_workbook_with_a_title_and_excel_numbers(tmp_path, personas, geo, catalog):
    from tamnong.tabular.tests import files

    path = tmp_path / "von.xlsx"
    path.write_bytes(
        files.xlsx(
            [
                ["BÁO CÁO NGUỒN VỐN NĂM 2025"],
                importing.HEADERS,
                ["01", "", 2025.0, "ntm", "nstw", 1500.5, 1200.0, "=không phải công thức"],
            ]
        )  # fmt: skip
    )
    result = importing.import_funding(personas.coordinator, path)
    assert result.ok, result.errors
    rec = FundingRecord.objects.get()
    assert (rec.allocated, rec.disbursed) == (Decimal("1500.5"), Decimal(1200))
    before = FundingRecord.objects.count()
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 cut")
    refused = importing.import_funding(personas.coordinator, tmp_path / "x.xlsx")
    assert refused.errors[0][0] == 0 and "không phải là bảng tính" in refused.errors[0][2]
    assert FundingRecord.objects.count() == before


def test_old_map_codes_are_accepted_for_older_years(tmp_path, personas, geo, catalog):
    path = write_csv(tmp_path, "10002,old,2023,ntm,nstw,50,50,\n")
    assert importing.import_funding(personas.coordinator, path).created == 1
    assert FundingRecord.objects.get().division == geo.old_commune_binh


def test_a_commune_officer_cannot_enter_another_communes_funding(client, personas, geo, catalog):
    client.force_login(personas.alice)
    url = reverse("reports:create", args=["funding"])
    data = {
        "division": geo.commune_c.pk,
        "year": 2025,
        "component": catalog["component"]["ntm"].pk,
        "source": catalog["source"]["nstw"].pk,
        "allocated": "10",
        "disbursed": "5",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "division" in response.context["form"].errors
    data["division"] = geo.commune_a.pk
    assert client.post(url, data).status_code == 302
    bad = client.post(url, {**data, "year": 2024, "disbursed": "50"})
    assert "Vốn giải ngân không được lớn hơn" in bad.content.decode()
    assert FundingRecord.objects.count() == 1


def test_summary_funding_and_activities_figures_come_from_records(personas, geo, catalog):
    fund(geo.commune_a, 2024, "ntm", "nstw", "1000", "800", catalog)
    fund(geo.province, 2025, "giam_ngheo", "nsdp", "3000", "2700", catalog)
    fund(
        geo.old_commune_binh, 2021, "ntm", "doanh_nghiep", "500", "500", catalog
    )  # old unit → counted
    fund(
        geo.other_commune, 2025, "ntm", "nstw", "9999", "1", catalog
    )  # other province → not counted
    fund(geo.commune_a, 2019, "ntm", "nstw", "450", "450", catalog)  # previous period
    Contribution.objects.create(
        division=geo.commune_a,
        year=2023,
        purpose="Nhà ở cho hộ nghèo",
        units=3185,
        value=Decimal("137800"),
    )
    kind = catalog["activity"]["truyen_thong"]
    for i in range(3):
        Activity.objects.create(
            division=geo.commune_a,
            date=dt.date(2024, 3, i + 1),
            kind=kind,
            title=f"Hội nghị {i}",
            participants=100,
            materials=20,
        )
    Commendation.objects.create(
        division=geo.province,
        date=dt.date(2025, 1, 5),
        decision_number="1/QĐ",
        level="UBND tỉnh",
        recipient_kind="collective",
        recipient="HTX A",
    )
    report = build_summary(personas.coordinator, geo.province, Period.parse("2021-2025"))
    sections = {s.key: s for s in report.sections}
    text = paragraph_text(sections["funding"].paragraphs[0])
    assert "tổng vốn phân bổ thực hiện các chương trình là 4.500 triệu đồng" in text
    assert "đã giải ngân 4.000 triệu đồng, đạt 88,89%" in text
    assert "tăng 4.050 triệu đồng so với kỳ trước" in text
    assert any(
        "3.185 đơn vị" in paragraph_text(p) and "137.800,0 triệu đồng" in paragraph_text(p)
        for p in sections["funding"].paragraphs
    )
    activities = paragraph_text(sections["activities"].paragraphs[0])
    assert (
        activities == "Hoạt động truyền thông: 3 lượt với 300 người tham dự, phát hành 60 tài liệu."
    )
    assert paragraph_text(sections["activities"].paragraphs[1]) == "Khen thưởng: 1 tập thể."
    # Every figure links to the records behind it.
    figure = sections["funding"].paragraphs[0][1]
    assert figure.link.startswith("/reports/records/funding/?division=")


def test_the_figure_link_lists_exactly_the_records_counted(client, personas, geo, catalog):
    fund(geo.commune_a, 2024, "ntm", "nstw", "1000", "800", catalog)
    fund(geo.old_commune_binh, 2021, "ntm", "nstw", "500", "500", catalog)
    fund(geo.commune_a, 2019, "ntm", "nstw", "450", "450", catalog)
    fund(geo.other_commune, 2024, "ntm", "nstw", "1", "1", catalog)
    report = build_summary(personas.coordinator, geo.province, Period.parse("2021-2025"))
    link = report.sections[[s.key for s in report.sections].index("funding")].paragraphs[0][1].link
    client.force_login(personas.coordinator)
    page = client.get(link)
    assert page.context["page"].paginator.count == 2


def test_a_report_as_of_the_old_map_counts_old_and_successor_records(personas, geo, catalog):
    fund(geo.old_commune_an, 2022, "ntm", "nstw", "100", "100", catalog)
    fund(geo.commune_a, 2025, "ntm", "nstw", "10", "10", catalog)  # Xã An Bình kept Xã An's code
    fund(
        geo.commune_c, 2025, "ntm", "nstw", "1", "1", catalog
    )  # kept Xã Châu's code: old province 1 too
    fund(geo.ward, 2025, "ntm", "nstw", "1000", "0", catalog)  # Phường Tây came from old province 2
    report = build_summary(personas.admin, geo.old_province_1, Period.parse("2021-2025"))
    text = paragraph_text(
        report.sections[[s.key for s in report.sections].index("funding")].paragraphs[0]
    )
    assert "là 111 triệu đồng" in text


def test_summary_outputs_render(client, personas, geo, catalog):
    fund(geo.commune_a, 2024, "ntm", "nstw", "1000", "800", catalog)
    client.force_login(personas.coordinator)
    base = f"{reverse('reports:summary')}?division={geo.province.pk}&period=2021-2025"
    html = client.get(base)
    assert html.status_code == 200 and "1.000" in html.content.decode()
    pdf = client.get(base + "&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(base + "&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(base + "&format=json").json()["period"] == {"start": 2021, "end": 2025}
    assert (
        client.get(
            f"/api/v1/reports/summary?division={geo.province.pk}&period=2021-2025"
        ).status_code
        == 200
    )
    assert (
        client.get(f"/api/v1/reports/summary?division={geo.province.pk}&period=abc").status_code
        == 400
    )
    assert (
        client.get(
            f"{reverse('reports:summary')}?division={geo.province.pk}&period=abc"
        ).status_code
        == 400
    )


def test_reports_outside_the_scope_are_refused(client, personas, geo, catalog):
    client.force_login(personas.alice)
    assert (
        client.get(
            f"{reverse('reports:summary')}?division={geo.commune_c.pk}&period=2025"
        ).status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/reports/summary?division={geo.commune_c.pk}&period=2025").status_code
        == 403
    )
    assert (
        client.get(
            f"{reverse('reports:summary')}?division={geo.commune_a.pk}&period=2025"
        ).status_code
        == 200
    )


def test_funding_catalog_entries_not_in_the_file_are_deactivated(tmp_path, catalog):
    path = tmp_path / "c.yaml"
    path.write_text(
        "version: x\ncomponents:\n  - {code: ntm, name: NTM}\nsources: []\nactivity_kinds: []\n",
        encoding="utf-8",
    )
    load_catalog(path)
    assert not CatalogEntry.objects.get(group="component", code="ocop").active


def test_the_dashboard_shows_scoped_figures_with_chart_data_and_csv(client, personas, geo, catalog):
    fund(geo.commune_a, 2025, "ntm", "nstw", "1000", "750", catalog)
    fund(geo.commune_a, 2024, "ntm", "nstw", "400", "400", catalog)
    fund(geo.other_commune, 2025, "ntm", "nstw", "5000", "1", catalog)
    client.force_login(personas.leader)
    url = f"{reverse('reports:dashboard')}?division={geo.province.pk}&year=2025"
    page = client.get(url)
    assert page.status_code == 200
    funding = next(p for p in page.context["panels"] if p.key == "funding")
    assert [f.text for _label, f in funding.figures] == ["1.000", "750", "75,00%"]
    assert funding.chart.rows[-2:] == [("2024", [400.0, 400.0]), ("2025", [1000.0, 750.0])]
    csv = client.get(url + "&download=dash-funding")
    assert csv["Content-Type"].startswith("text/csv")
    assert "2025,1000.0,750.0" in csv.content.decode("utf-8-sig")
    client.force_login(personas.bob)  # commune C: sees none of commune A's money
    page = client.get(f"{reverse('reports:dashboard')}?division={geo.commune_c.pk}&year=2025")
    assert next(p for p in page.context["panels"] if p.key == "funding").empty
    assert client.get(url).status_code == 403


def test_without_a_division_the_report_is_on_the_current_province_not_an_old_one(
    client, personas, geo
):
    # The coordinator's scope also holds the two old provinces merged into Tỉnh Mới.
    client.force_login(personas.coordinator)
    assert client.get(reverse("reports:dashboard")).context["division"] == geo.province
    assert (
        client.get(f"{reverse('reports:summary')}?period=2025").context["division"] == geo.province
    )
