"""Poverty figures on either map (issue 12, section 3): a province's review imported under the
old (pre-07/2025) commune codes reads back under the old province, and under the new one where
it is the whole successor, with the same totals on the page, in the API and from the command
line; `map` picks the old unit when both maps have the code (Cà Mau is 96 on both)."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tamnong.access.actors import SYSTEM
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import load_divisions
from tamnong.poverty import services
from tamnong.poverty.importing import import_file
from tamnong.reports.summary import Period, build_summary
from tamnong.testing.maps import write_real_part
from tamnong.testing.poverty import row, write_xlsx

# Old Bạc Liêu (95) and old Cà Mau (96) became the new Cà Mau (96) on 01/07/2025.
ROWS = [
    row("BL1", year=2024, commune="31834", income=1_500_000, deprived="1,2,3"),  # Xã Vĩnh Trạch
    row("BL2", year=2024, commune="31846", income=1_500_000, deprived="1,2"),  # Xã Ninh Quới
    row("BL3", year=2024, commune="31813", income=1_900_000),  # Phường 2 (urban line 2.000.000)
    row("CM1", year=2024, commune="31999", income=1_000_000, deprived="1,2,3"),  # Phường 9
]


@pytest.fixture
def ca_mau(no_map, tmp_path, settings, django_user_model):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = load_divisions(write_real_part(tmp_path / "map", ["96"]))
    assert report.unresolved == []
    result = import_file(write_xlsx(tmp_path / "old.xlsx", ROWS), user=SYSTEM)
    assert result.ok, result.error_sample
    admin = django_user_model.objects.create_superuser("quantri", password="Mat-khau-thu-1")
    return admin


def unit(map_key, level, code):
    return Division.objects.get(map__key=map_key, level=level, code=code)


def totals(fig):
    return fig["households"], fig["poor"], fig["near_poor"]


def cli(capsys, *args):
    capsys.readouterr()
    call_command("report_poverty", "--year", "2024", *args)
    return json.loads(capsys.readouterr().out)["figures"]


def test_an_old_province_reads_the_totals_of_its_records(ca_mau, client, capsys):
    bac_lieu = unit("vn-2008", Level.PROVINCE, "95")
    fig = services.report(SYSTEM, bac_lieu, 2024)["figures"]
    assert fig is not None and totals(fig) == (3, 1, 2)
    assert {c["code"]: c["households"] for c in fig["children"]} == {"954": 2, "956": 1}
    assert fig["areas"]["urban"]["households"] == 1

    # the command line, the API and the page give the same totals
    assert totals(cli(capsys, "--division", "95")) == (3, 1, 2)
    client.force_login(ca_mau)
    api = client.get("/api/v1/poverty/figures?year=2024&division=95")
    assert api.status_code == 200 and totals(api.json()["figures"]) == (3, 1, 2)
    page = client.get("/poverty/?division=95&year=2024")
    html = page.content.decode()
    assert page.status_code == 200 and "Tỉnh Bạc Liêu" in html and "Thành phố Bạc Liêu" in html
    assert "chưa có kết quả" not in html.lower()
    # the household lists (page, API) name the same records
    listed = client.get("/api/v1/poverty/households?division=95").json()
    assert {h["code"] for h in listed["items"]} == {"BL1", "BL2", "BL3"}
    page = client.get("/poverty/ho/?division=95").content.decode()
    assert "BL1" in page and "BL3" in page and "CM1" not in page

    # the summary report counts the same records under the old province
    section = build_summary(SYSTEM, bac_lieu, Period(2024, 2024), only={"poverty"}).sections[0]
    text = "".join(str(p) for para in section.paragraphs for p in para)
    assert "3 hộ, trong đó 1 hộ nghèo" in text


def test_map_picks_the_old_unit_of_a_code_both_maps_have(ca_mau, client, capsys):
    # new Cà Mau is the whole successor of old Bạc Liêu and old Cà Mau: every record
    assert totals(cli(capsys, "--division", "96")) == (4, 2, 2)
    # as of the old map, 96 is old Cà Mau: its own record only
    assert totals(cli(capsys, "--division", "96", "--map", "vn-2008")) == (1, 1, 0)
    client.force_login(ca_mau)
    api = client.get("/api/v1/poverty/figures?year=2024&division=96&map=vn-2008")
    assert api.status_code == 200 and totals(api.json()["figures"]) == (1, 1, 0)
    page = client.get("/poverty/?division=96&year=2024&map=vn-2008")
    assert page.status_code == 200 and "Thành phố Cà Mau" in page.content.decode()
    assert client.get("/api/v1/poverty/figures?year=2024&division=96&map=xx").status_code == 404
    with pytest.raises(CommandError, match="bản đồ"):
        cli(capsys, "--division", "96", "--map", "xx")

    old_ca_mau = unit("vn-2008", Level.PROVINCE, "96")
    section = build_summary(SYSTEM, old_ca_mau, Period(2024, 2024), only={"poverty"}).sections[0]
    text = "".join(str(p) for para in section.paragraphs for p in para)
    assert "1 hộ, trong đó 1 hộ nghèo" in text


def test_the_summary_report_names_the_old_unit_by_code_and_map(ca_mau, client, capsys):
    """The summary report takes the same rule (page, API, `tamnong report summary --map`)."""
    capsys.readouterr()
    call_command(
        "report_summary", "--division", "96", "--map", "vn-2008", "--period", "2024",
        "--format", "json",
    )  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["division"]["map"] == "vn-2008" and data["division"]["name"] == "Tỉnh Cà Mau"
    (section,) = [s for s in data["sections"] if s["key"] == "poverty"]
    first = "".join(p if isinstance(p, str) else p["text"] for p in section["paragraphs"][0])
    assert first.startswith("Kết quả rà soát năm 2024: 1 hộ, trong đó 1 hộ nghèo")
    client.force_login(ca_mau)
    api = client.get("/api/v1/reports/summary?division=95&map=vn-2008&period=2024")
    assert api.status_code == 200 and api.json()["division"]["name"] == "Tỉnh Bạc Liêu"
    page = client.get("/reports/summary/?division=95&map=vn-2008&period=2024")
    assert page.status_code == 200 and "Tỉnh Bạc Liêu" in page.content.decode()
    assert client.get("/api/v1/reports/summary?division=95&map=xx&period=2024").status_code == 404
    with pytest.raises(CommandError, match="bản đồ"):
        call_command("report_summary", "--division", "96", "--map", "xx", "--period", "2024")


@pytest.mark.parametrize(
    "command,extra",
    [
        ("report_poverty", ["--year", "2024"]),
        ("report_ocop", ["--date", "2024-12-31"]),
        ("report_ntm", ["--year", "2024"]),
        ("report_summary", ["--period", "2024"]),
    ],
)
def test_every_programme_names_a_unit_by_the_same_rule(ca_mau, capsys, command, extra):
    """One rule for the three programmes and the summary: a code only the old map has names the
    old unit; a code both maps have names today's unit, or the old one with `--map`."""

    def named(*args):
        capsys.readouterr()
        call_command(command, *args, *extra, "--format", "json")
        d = json.loads(capsys.readouterr().out)["division"]
        return d["name"], d["map"]

    assert named("--division", "95") == ("Tỉnh Bạc Liêu", "vn-2008")
    assert named("--division", "96") == ("Tỉnh Cà Mau", "vn-2025")
    assert named("--division", "96", "--map", "vn-2008") == ("Tỉnh Cà Mau", "vn-2008")
