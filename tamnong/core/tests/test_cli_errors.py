"""Bad input on the command line: a Vietnamese message, a non-zero exit code, no traceback and
nothing written. A traceback is kept for real bugs, and only with DEBUG or --traceback."""

from __future__ import annotations

import pytest

from tamnong.cli import main
from tamnong.ntm.criteria import CriteriaSet
from tamnong.ocop.models import Producer
from tamnong.poverty.models import Household
from tamnong.testing.poverty import HEADERS, row


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """A management command closes every connection when it ends; the test's transaction lives
    on it (on PostgreSQL the next query would fail)."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(capsys, *argv) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out + out.err


@pytest.mark.parametrize(
    "name, content",
    [
        ("bo.yaml", b"\xff\xfe\x00\x01\x89PNG\r\n\x1a\n\x00\x00"),
        ("bo.yml", "tiêu chí".encode("cp1258") + b"\xff"),
        ("bo.txt", b"\x00\x01\x02" * 100),
    ],
)
def test_importing_a_non_text_file_as_ntm_criteria_is_refused(capsys, tmp_path, db, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    before = CriteriaSet.objects.count()
    code, output = run(capsys, "import", "ntm", str(path))
    assert code == 2
    assert "Traceback" not in output and "UnicodeDecodeError" not in output
    assert "không phải văn bản UTF-8" in output
    assert CriteriaSet.objects.count() == before


@pytest.mark.parametrize("text", ["chỉ là một dòng chữ", "- a\n- b\n", "42", ""])
def test_a_yaml_that_is_not_a_criteria_set_is_refused(capsys, tmp_path, db, text):
    path = tmp_path / "bo.yaml"
    path.write_text(text, encoding="utf-8")
    before = CriteriaSet.objects.count()
    code, output = run(capsys, "import", "ntm", str(path))
    assert code != 0 and "Traceback" not in output
    assert CriteriaSet.objects.count() == before


def test_a_missing_file_is_refused(capsys, tmp_path, db):
    code, output = run(capsys, "import", "ntm", str(tmp_path / "khong-co.yaml"))
    assert code == 2
    assert "Traceback" not in output and "Không đọc được tệp" in output


def test_a_household_csv_with_a_huge_cell_is_refused_in_vietnamese(capsys, tmp_path, personas):
    path = tmp_path / "ho.csv"
    lines = [",".join(HEADERS), ",".join(map(str, row("H1"))), ",".join(map(str, row("H2")))]
    lines[2] = lines[2].replace("Nguyễn Văn A", "x" * (2 << 20))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = run(capsys, "import", "households", str(path), "--user", "coordinator")
    assert code != 0
    assert "_csv.Error" not in output and "field larger" not in output
    assert "Traceback" not in output and "ký tự" in output
    assert Household.objects.count() == 0


def test_an_ocop_csv_with_a_two_megabyte_cell_is_refused_on_the_command_line(
    capsys, tmp_path, personas
):
    from tamnong.ocop.importer import COLUMNS

    path = tmp_path / "ocop.csv"
    header = ",".join(c.header for c in COLUMNS)
    path.write_text(header + "\n" + ",".join(["x" * (2 << 20)] * 3) + "\n", encoding="utf-8")
    code, output = run(capsys, "import", "ocop", str(path), "--user", "coordinator")
    assert code != 0 and "Traceback" not in output and "ký tự" in output
    assert Producer.objects.count() == 0


def test_an_ocop_csv_with_a_two_megabyte_cell_is_refused_on_the_page(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tamnong.ocop.importer import COLUMNS

    header = ",".join(c.header for c in COLUMNS)
    body = (header + "\n" + ",".join(["x" * (2 << 20)] * 3) + "\n").encode()
    client.force_login(personas.coordinator)
    r = client.post("/ocop/nhap/", {"file": SimpleUploadedFile("ds.csv", body)})
    if r.status_code == 302:  # the preview before commit (issue 13): the file is checked there
        from tamnong.jobs.services import claim_next, run

        job = claim_next()
        if job is not None:
            run(job)
        r = client.get(r["Location"])
    assert r.status_code in (200, 400) and "ký tự" in r.content.decode()
    assert "Traceback" not in r.content.decode()
    assert Producer.objects.count() == 0


def _broken(*args, **kwargs):
    raise RuntimeError("lỗi lập trình")


def test_a_bug_is_one_vietnamese_line_without_a_traceback(capsys, tmp_path, db, monkeypatch):
    monkeypatch.setattr("tamnong.ntm.criteria.read_yaml", _broken)
    path = tmp_path / "bo.yaml"
    path.write_text("key: x\n", encoding="utf-8")
    code, output = run(capsys, "import", "ntm", str(path))
    assert code == 1
    assert "Traceback" not in output and "--traceback" in output and "RuntimeError" in output


def test_a_bug_keeps_its_traceback_with_the_traceback_option(tmp_path, db, monkeypatch):
    monkeypatch.setattr("tamnong.ntm.criteria.read_yaml", _broken)
    path = tmp_path / "bo.yaml"
    path.write_text("key: x\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        main(["import", "ntm", str(path), "--traceback"])


# -- issue 14, item 7: every import command refuses a file that is not what it claims ------------
BROKEN = {
    "anh.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "hong.xlsx": bytes((i * 37 + 11) % 256 for i in range(5000)),  # named .xlsx, not a zip
}


def _zip_without_a_workbook() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("x.txt", "không phải bảng tính")
    return buffer.getvalue()


@pytest.mark.parametrize("name", [*BROKEN, "nen.xlsx"])
def test_a_broken_workbook_as_ntm_criteria_exits_with_the_input_error_code(
    capsys, tmp_path, db, name
):
    path = tmp_path / name
    path.write_bytes(BROKEN.get(name) or _zip_without_a_workbook())
    before = CriteriaSet.objects.count()
    code, output = run(capsys, "import", "ntm", str(path))
    assert code == 2
    assert "Traceback" not in output and "không nạp gì" in output.lower()
    assert CriteriaSet.objects.count() == before


@pytest.mark.parametrize("kind", ["households", "ocop"])
@pytest.mark.parametrize("name", list(BROKEN))
def test_a_file_that_is_not_a_table_exits_with_the_input_error_code(
    capsys, tmp_path, personas, kind, name
):
    path = tmp_path / name
    path.write_bytes(BROKEN[name])
    code, output = run(capsys, "import", kind, str(path), "--user", "coordinator")
    assert code == 2
    assert "Traceback" not in output and "không phải là bảng tính" in output
    assert Household.objects.count() == 0 and Producer.objects.count() == 0


DEEP = "[" * 50_000  # a YAML/JSON document nested 50 000 levels deep


def test_a_deeply_nested_yaml_as_ntm_criteria_is_a_syntax_error(capsys, tmp_path, db):
    path = tmp_path / "bo.yaml"
    path.write_text(DEEP, encoding="utf-8")
    code, output = run(capsys, "import", "ntm", str(path))
    assert code == 2
    assert "RecursionError" not in output and "lồng nhau quá sâu" in output


@pytest.mark.parametrize(
    "argv, name",
    [
        (["divisions", "apply-change"], "doi.yaml"),
        (["rules", "load", "ocop"], "bo.yaml"),
        (["rules", "load", "poverty"], "chuan.json"),
    ],
)
def test_a_deeply_nested_rule_or_change_file_is_refused_in_vietnamese(
    capsys, tmp_path, db, argv, name
):
    path = tmp_path / name
    path.write_text(DEEP, encoding="utf-8")
    code, output = run(capsys, *argv, str(path))
    assert code == 2
    assert "RecursionError" not in output and "lồng nhau quá sâu" in output


def test_a_deeply_nested_ocop_criteria_upload_does_not_kill_the_process(tmp_path):
    """The C YAML loader overflowed the stack on such a file: the web worker died (SIGSEGV)."""
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup()\n"
        "from tamnong.ocop.criteria import CriteriaError\n"
        "from tamnong.ocop.rules import parse_file\n"
        "try:\n"
        "    parse_file('bo.yaml', b'[' * 200_000)\n"
        "except CriteriaError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "tamnong.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "lồng nhau quá sâu" in done.stdout


def test_bad_input_is_a_vietnamese_line_even_with_debug(capsys, tmp_path, settings):
    from tamnong.cli import guarded

    settings.DEBUG = True
    with pytest.raises(SystemExit) as exit_:
        guarded(lambda: (tmp_path / "khong-co.yaml").read_bytes(), ["rules", "load"])
    assert exit_.value.code == 2
    assert "Không đọc được tệp" in capsys.readouterr().err
