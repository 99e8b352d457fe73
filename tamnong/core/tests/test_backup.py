"""A backup restores every table row for row and every media file byte for byte (both engines)."""

import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tamnong.accounts.models import User
from tamnong.core import backup
from tamnong.jobs import services as jobs
from tamnong.testing.jobs import count  # noqa: F401  registers "test.count"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "ocop" / "dossiers" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "ocop" / "dossiers" / "2026" / "phieu-dang-ky.pdf").write_bytes(
        b"%PDF-1.4\n" + bytes(range(256)) * 40
    )
    (settings.MEDIA_ROOT / "poverty").mkdir()
    (settings.MEDIA_ROOT / "poverty" / "loi-nhap-hộ-1.csv").write_text("Dòng,Cột\n", "utf-8")
    return settings.MEDIA_ROOT


def test_a_backup_round_trip_gives_back_every_row_and_every_file(personas, media, tmp_path):
    jobs.run_now("test.count", user=personas.alice, upto=3)
    before_tables, before_files = backup.fingerprints(), backup.media_files()
    assert before_tables["accounts_user"]["rows"] == User.objects.count() > 5
    result = backup.create_backup(tmp_path / "backups")
    manifest = result.manifest
    assert manifest["engine"] in ("sqlite", "postgresql") and manifest["code"]["release"]
    assert manifest["tables"] == before_tables
    with tarfile.open(result.path) as tar:
        assert json.load(tar.extractfile("manifest.json")) == manifest
    assert {f["path"] for f in manifest["files"]} >= {
        "media/ocop/dossiers/2026/phieu-dang-ky.pdf",
        "media/poverty/loi-nhap-hộ-1.csv",
    }
    # then things change: rows deleted and edited, files removed, changed and added
    User.objects.filter(username="bob").delete()
    User.objects.filter(username="alice").update(full_name="Đã sửa")
    (media / "ocop" / "dossiers" / "2026" / "phieu-dang-ky.pdf").write_bytes(b"changed")
    (media / "poverty" / "loi-nhap-hộ-1.csv").unlink()
    (media / "new.txt").write_text("new")
    assert backup.fingerprints() != before_tables
    restored = backup.restore_backup(result.path, force=True)
    assert restored["tables"] == len(before_tables)
    assert backup.fingerprints() == before_tables
    assert backup.media_files() == before_files
    assert User.objects.get(username="alice").full_name == "alice"


def test_a_restore_into_a_database_with_data_is_refused_without_force(personas, media, tmp_path):
    path = backup.create_backup(tmp_path / "b").path
    User.objects.filter(username="bob").delete()
    with pytest.raises(CommandError, match="đã có dữ liệu.*--force"):
        call_command("restore", str(path))
    assert not User.objects.filter(username="bob").exists()  # nothing was touched


def test_a_damaged_or_foreign_archive_is_refused_before_anything_changes(personas, media, tmp_path):
    path = backup.create_backup(tmp_path / "b").path
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(path) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith(".pdf"):
                data = data[:-1] + b"!"
            dst.addfile(member, __import__("io").BytesIO(data))
    users = User.objects.count()
    with pytest.raises(CommandError, match="bị hỏng"):
        call_command("restore", str(damaged), "--force")
    assert User.objects.count() == users
    assert (media / "poverty" / "loi-nhap-hộ-1.csv").exists()
    other = tmp_path / "other.tar"
    other.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("restore", str(other))


def test_the_backup_command_writes_an_archive_and_says_where(personas, media, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path / "out"))
    [archive] = (tmp_path / "out").glob("tamnong-*.tar")
    assert str(archive) in capsys.readouterr().out
