"""Issue 15, item 3: the files a province sends to the national systems — the MoF NTP database
report and the national OCOP product list — as JSON that matches its published schema and as
Excel, with the figures of the summary report for the same unit and date, from the command line
and from the reports page behind the access gate."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from tamnong.access.actors import SYSTEM
from tamnong.reports.exports import ExportInvalid, mof_ntp, ocop_national, validate
from tamnong.reports.summary import Period, build_summary
from tamnong.testing.reports import check_schema, fund

CUTOFF = dt.date(2025, 12, 31)  # the day the summary report of 2025 counts OCOP products on


@pytest.fixture
def demo(geo):
    from tamnong.demo.services import build

    return build(province_code=geo.province.code, households=40, say=lambda _m: None)


def _figures(section) -> list:
    from tamnong.reports.summary import Figure

    return [p for para in section.paragraphs for p in para if isinstance(p, Figure)]


class TestMofNtpReport:
    def test_its_totals_are_the_summary_reports(self, demo, geo):
        document = mof_ntp.build(SYSTEM, geo.province, Period(2025, 2025), CUTOFF)
        summary = build_summary(SYSTEM, geo.province, Period(2025, 2025))
        sections = {s.key: s for s in summary.sections}

        funding = _figures(sections["funding"])
        totals = document["funding"]["totals"]
        assert totals["allocated"] > 0
        assert Decimal(str(totals["allocated"])) == funding[0].value
        assert Decimal(str(totals["disbursed"])) == funding[1].value
        assert totals["disbursement_rate"] == pytest.approx(float(funding[2].value), abs=0.005)
        by_source = next(t for t in sections["funding"].tables if t.title == "Vốn theo nguồn")
        assert [(r[0], r[1].value) for r in by_source.rows] == [
            (s["name"], Decimal(str(s["allocated"]))) for s in document["funding"]["by_source"]
        ]
        lines = document["funding"]["lines"]
        assert sum(Decimal(str(ln["allocated"])) for ln in lines) == funding[0].value
        for key in ("by_year", "by_component", "by_level"):
            assert sum(Decimal(str(r["disbursed"])) for r in document["funding"][key]) == (
                funding[1].value
            ), key

        (year,) = document["results"]
        ocop = _figures(sections["ocop"])
        assert year["ocop"]["date"] == "2025-12-31"
        assert year["ocop"]["valid_products"] == ocop[0].value > 0

        poverty = _figures(sections["poverty"])
        assert year["poverty"]["households"] == poverty[0].value == 40
        assert year["poverty"]["poor"] == poverty[1].value
        assert Decimal(str(year["poverty"]["poor_rate"])) == poverty[2].value

        from tamnong.ntm.figures import figures

        ntm = figures(SYSTEM, geo.province, 2025)
        counts = {(s["scale"], r["kind"]): r["count"] for s in ntm["levels"] for r in s["rows"]}
        assert {(lv["scale"], lv["kind"]): lv["count"] for lv in year["ntm"]["levels"]} == counts
        assert year["ntm"]["communes_total"] == ntm["denominator"]["total"]

    def test_its_json_matches_the_published_schema(self, geo, catalog):
        fund(geo.commune_a, 2024, "ntm", "nstw", "1500.5", "1200", catalog)
        fund(geo.province, 2025, "ocop", "nsdp", "300", "0", catalog)
        fund(geo.other_commune, 2025, "ntm", "nstw", "999", "999", catalog)  # another province
        document = mof_ntp.build(SYSTEM, geo.province, Period(2024, 2025), dt.date(2025, 12, 14))
        check_schema("mof-ntp", document)
        assert document["report"]["recipient"] == "Bộ Tài chính"
        assert document["report"]["cutoff"] == {"from": "2023-12-15", "to": "2025-12-14"}
        assert document["funding"]["totals"] == {
            "allocated": 1800.5,
            "disbursed": 1200.0,
            "disbursement_rate": 66.65,
        }
        assert [(ln["year"], ln["level"]["code"]) for ln in document["funding"]["lines"]] == [
            (2024, "commune"),
            (2025, "province"),
        ]
        assert [r["year"] for r in document["results"]] == [2024, 2025]

    def test_a_document_off_its_schema_is_refused(self, geo, catalog):
        document = mof_ntp.build(SYSTEM, geo.province, Period(2025, 2025), dt.date(2025, 12, 14))
        del document["report"]["recipient"]
        with pytest.raises(ExportInvalid, match="recipient"):
            validate("mof-ntp", document)
        document = mof_ntp.build(SYSTEM, geo.province, Period(2025, 2025), dt.date(2025, 12, 14))
        document["funding"]["totals"]["allocated"] = "1.500,5"  # a number written as text
        with pytest.raises(ExportInvalid):
            validate("mof-ntp", document)

    def test_the_cutoff_follows_decree_09_and_refuses_another_year_or_the_future(self, geo):
        from django.core.exceptions import ValidationError

        assert mof_ntp.cutoff_for(Period(2025, 2025)).end == dt.date(2025, 12, 14)
        assert mof_ntp.cutoff_for(Period(2025, 2025)).start == dt.date(2024, 12, 15)
        with pytest.raises(ValidationError, match="không thuộc năm 2025"):
            mof_ntp.cutoff_for(Period(2025, 2025), dt.date(2024, 6, 30))
        with pytest.raises(ValidationError, match="chưa đến"):
            mof_ntp.cutoff_for(Period(2100, 2100), dt.date(2100, 1, 1))

    def test_its_workbook_has_the_header_block_frozen_headers_and_real_numbers(self, geo, catalog):
        from openpyxl import load_workbook

        fund(geo.commune_a, 2025, "ntm", "nstw", "1500.5", "1200", catalog)
        fund(geo.commune_a, 2025, "giam_ngheo", "nsdp", "250", "100", catalog)
        document = mof_ntp.build(SYSTEM, geo.province, Period(2025, 2025), dt.date(2025, 12, 14))
        wb = load_workbook(io.BytesIO(mof_ntp.to_xlsx(document)))
        assert wb.sheetnames == list(mof_ntp.SHEETS)
        assert all(len(n) <= 31 for n in wb.sheetnames)
        ws = wb["Biểu 01. Vốn chi tiết"]
        block = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, 9)}
        assert block["Cơ quan nhận báo cáo"] == "Bộ Tài chính"
        assert block["Thời gian chốt số liệu"] == "Từ 15/12/2024 đến 14/12/2025"
        assert block["Đơn vị báo cáo"].startswith("Ủy ban nhân dân " + geo.province.name)
        head = int(ws.freeze_panes[1:]) - 1
        assert [c.value for c in ws[head]] == [c.label for c in mof_ntp.FUNDING_COLUMNS]
        first = list(ws[head + 1])
        assert first[1].value == 2025
        assert first[8].value == 1500.5 and first[8].number_format == "#,##0.000"
        assert first[10].value == pytest.approx(0.7997, abs=1e-4)
        assert first[10].number_format == "0.00%"
        total = [c.value for c in ws[ws.max_row]]
        assert total[3] == "Tổng cộng" and total[8] == 1750.5 and total[9] == 1300.0
        for name in wb.sheetnames[1:]:
            assert wb[name].freeze_panes, name


class TestOcopNationalList:
    def test_it_lists_every_certified_product_with_the_reports_count_in_json_and_excel(
        self, demo, geo
    ):
        document = ocop_national.build(SYSTEM, geo.province, CUTOFF)
        check_schema("ocop-national", document)
        summary = build_summary(SYSTEM, geo.province, Period(2025, 2025), only={"ocop"})
        valid = _figures(summary.sections[0])[0].value
        assert document["totals"]["in_force"] == valid > 0
        from tamnong.ocop.models import Certificate

        certified = (
            Certificate.objects.filter(division__path__startswith=geo.province.path)
            .filter(issued_on__lte=CUTOFF)
            .values("product")
            .distinct()
            .count()
        )
        assert document["totals"]["products"] == len(document["products"]) == certified
        item = next(p for p in document["products"] if p["certificate"]["in_force"])
        cert = Certificate.objects.select_related("product", "producer", "decision").get(
            number=item["certificate"]["number"]
        )
        assert item["product"]["code"] == cert.product.code
        assert item["producer"]["name"] == cert.producer.name
        assert item["stars"] == cert.stars
        assert item["decision"]["number"] == cert.decision.number
        assert item["certificate"]["expires_on"] == cert.expires_on.isoformat()
        assert item["regime"]["key"] == cert.regime.key
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(ocop_national.to_xlsx(document)))
        ws = wb["Danh sách sản phẩm OCOP"]
        head = int(ws.freeze_panes[1:]) - 1
        labels = [c.value for c in ws[head]]
        assert labels == [c.label for c in ocop_national.PRODUCT_COLUMNS]
        for wanted in ("Tên sản phẩm", "Tên chủ thể", "Hạng sao", "Số quyết định công nhận",
                       "Số giấy chứng nhận", "Hết hạn ngày", "Mã số sản phẩm OCOP",
                       "Quy định áp dụng"):  # fmt: skip
            assert wanted in labels
        assert ws.max_row - head == len(document["products"])
        row = {labels[i]: c for i, c in enumerate(ws[head + 1])}
        assert isinstance(row["Hạng sao"].value, int)
        assert isinstance(row["Ngày cấp"].value, dt.datetime)
        assert row["Ngày cấp"].number_format == "dd/mm/yyyy"


class TestAccess:
    def test_only_the_provinces_exporting_roles_download(self, client, personas, geo, catalog):
        fund(geo.commune_a, 2025, "ntm", "nstw", "100", "50", catalog)
        url = f"/reports/exports/mof-ntp/?province={geo.province.code}&year=2025&cutoff=2025-12-14"
        for who, status in (
            (personas.coordinator, 200),
            (personas.leader, 200),
            (personas.outsider, 403),  # the coordinator of another province
            (personas.alice, 403),  # a commune officer inside the province
            (personas.producer, 403),
            (personas.council, 403),
        ):
            client.force_login(who)
            assert client.get(url).status_code == status, who.username
            assert client.get(url.replace("mof-ntp", "ocop-national")).status_code == status
        client.force_login(personas.outsider)
        own = url.replace(geo.province.code, geo.other_province.code)
        assert json.loads(client.get(own).content)["funding"]["totals"]["allocated"] == 0
        from tamnong.audit.models import AuditEvent

        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.DENIED, note__startswith="export mof-ntp"
        ).exists()

    def test_the_central_office_takes_any_provinces_files(self, client, geo, catalog):
        from tamnong.access.roles import Role
        from tamnong.accounts.models import Membership, User

        for name, role in (("vpdptw", Role.NATIONAL_COORDINATOR), ("ldtw", Role.NATIONAL_LEADER)):
            user = User.objects.create_user(username=name, password="x")
            Membership.objects.create(user=user, division=None, role=role)
            client.force_login(user)
            for province in (geo.province, geo.other_province):
                url = f"/reports/exports/ocop-national/?province={province.code}"
                assert client.get(url).status_code == 200, (name, province.code)

    def test_the_page_offers_the_downloads_and_refuses_bad_input_in_vietnamese(
        self, client, personas, geo, catalog
    ):
        client.force_login(personas.coordinator)
        page = client.get("/reports/").content.decode()
        assert "/reports/exports/mof-ntp/" in page and "/reports/exports/ocop-national/" in page
        client.force_login(personas.alice)
        assert "/reports/exports/" not in client.get("/reports/").content.decode()
        client.force_login(personas.coordinator)
        base = f"/reports/exports/mof-ntp/?province={geo.province.code}"
        resp = client.get(base + "&year=20x5")
        assert resp.status_code == 400 and "không hợp lệ" in resp.content.decode()
        resp = client.get(base + "&year=2025&cutoff=2024-05-01")
        assert resp.status_code == 400 and "không thuộc năm 2025" in resp.content.decode()
        assert client.get("/reports/exports/mof-ntp/?province=77&year=2025").status_code == 404
        resp = client.get(base + "&year=2025&cutoff=2025-12-14&format=xlsx")
        assert resp.status_code == 200
        assert resp["Content-Disposition"].endswith('.xlsx"')


class TestCommandLine:
    @pytest.fixture(autouse=True)
    def _keep_the_test_connection(self, monkeypatch):
        """A management command closes every connection when it ends; the test's transaction
        lives on it (on PostgreSQL the next query would fail)."""
        from django.db import connections

        monkeypatch.setattr(connections, "close_all", lambda: None)

    def test_it_writes_both_files_and_refuses_bad_input(
        self, geo, personas, catalog, tmp_path, capsys
    ):
        from tamnong.cli import main

        fund(geo.commune_a, 2025, "ntm", "nstw", "100", "50", catalog)
        out = tmp_path / "mof.xlsx"
        main(["export", "mof-ntp", "--province", "01", "--year", "2025",
              "--cutoff", "14/12/2025", "--format", "xlsx", "-o", str(out)])  # fmt: skip
        assert out.read_bytes()[:2] == b"PK"
        capsys.readouterr()
        main(["export", "ocop-national", "--province", "01", "--cutoff", "2025-12-31"])
        check_schema("ocop-national", json.loads(capsys.readouterr().out))
        for argv, message in (
            (["mof-ntp", "--province", "01", "--year", "20x5"], "không hợp lệ"),
            (
                ["mof-ntp", "--province", "01", "--year", "2025", "--cutoff", "31-12"],
                "không hợp lệ",
            ),
            (["mof-ntp", "--province", "77", "--year", "2025"], "Không có tỉnh mã 77"),
            (["ocop-national", "--province", "01", "--as-user", "outsider"], "không có quyền"),
        ):
            with pytest.raises(SystemExit) as exit_:
                main(["export", *argv])
            assert exit_.value.code == 2, argv
            assert message in capsys.readouterr().err, argv
