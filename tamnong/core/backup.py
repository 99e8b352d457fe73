"""Backup and restore of one instance: the database, the media files and a manifest.

    tamnong backup [--output DIR]        → DIR/tamnong-YYYYmmdd-HHMMSS.tar
    tamnong restore ARCHIVE [--force]

The archive is a plain tar (the PostgreSQL dump is compressed already, media files mostly are):
`database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite, a copy made
with the online backup API while the server runs), `media/…` (every file under MEDIA_ROOT) and
`manifest.json` last: the code version, the database engine, the time, the applied migrations,
the size and SHA-256 of every file, and every table's row count and checksum of its rows.

The database part is one consistent snapshot: on PostgreSQL `pg_dump` runs on a snapshot exported
by the transaction that counts the rows; on SQLite the rows are counted in the copy.

A restore checks the archive (every file against its checksum, names, engine, migrations this code
knows) before it touches anything, refuses a database that holds data (users or administrative
units) or a non-empty media folder unless `force`, then replaces the database and the media folder,
and checks every table's count and checksum against the manifest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """A refused backup or restore; the message is for the operator (Vietnamese)."""


# -- fingerprints ---------------------------------------------------------------------------
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fingerprint_cursor(cursor, tables: list[str], pk_of) -> dict[str, dict]:
    out = {}
    for table in sorted(tables):
        pk = pk_of(table)
        if pk:
            order = _quote(pk)
        else:
            cursor.execute(f"SELECT * FROM {_quote(table)} WHERE 1 = 0")
            order = ", ".join(str(i + 1) for i in range(len(cursor.description)))
        cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")
        digest, rows = hashlib.sha256(), 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\n")
            rows += len(batch)
        out[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return out


def _sqlite_connect(name: str) -> sqlite3.Connection:
    """A plain connection (no type converters) to a SQLite database file or shared memory db."""
    name = str(name)
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


def sqlite_fingerprints(name: str) -> dict[str, dict]:
    conn = _sqlite_connect(name)
    try:

        def pk_of(table):
            cols = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
            pks = [c[1] for c in cols if c[5]]
            return pks[0] if len(pks) == 1 else None

        return _fingerprint_cursor(conn.cursor(), _sqlite_tables(conn), pk_of)
    finally:
        conn.close()


def _pg_fingerprints() -> dict[str, dict]:
    """Inside the caller's transaction (its snapshot)."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:

        def pk_of(table):
            return connection.introspection.get_primary_key_column(cursor, table)

        pks = {t: pk_of(t) for t in tables}
    with connection.chunked_cursor() as cursor:  # server side: big tables are not loaded whole
        return _fingerprint_cursor(cursor, tables, pks.get)


def fingerprints() -> dict[str, dict]:
    """Row count and checksum of every table of the default database, as it is now."""
    if connection.vendor == "sqlite":
        connection.close()  # nothing of ours uncommitted; the plain connection sees the same
        return sqlite_fingerprints(connection.settings_dict["NAME"])
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _pg_fingerprints()


# -- files ----------------------------------------------------------------------------------
def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    def __init__(self, fh) -> None:
        self.fh, self.digest = fh, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size=-1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        info = tar.gettarinfo(fileobj=fh, arcname=name)
        info.size, info.uid, info.gid, info.uname, info.gname = size, 0, 0, "", ""
        info.mode = 0o644
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    return {"path": name, "size": size, "sha256": reader.digest.hexdigest()}


def media_files(root: Path | None = None) -> dict[str, str]:
    """Relative path → SHA-256 of every file under MEDIA_ROOT."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): _sha256_file(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


# -- code and schema ------------------------------------------------------------------------
def code_version() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("tamnong")
    except PackageNotFoundError:
        release = "unknown"
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    return {"release": release, "commit": commit}


def applied_migrations() -> list[list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


# -- PostgreSQL tools -----------------------------------------------------------------------
def _pg_args() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = []
    if s.get("HOST"):
        args += ["-h", str(s["HOST"])]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"Không tìm thấy chương trình {name} (gói postgresql-client) trên máy này."
        )
    return found


# -- backup ---------------------------------------------------------------------------------
@dataclass
class BackupResult:
    path: Path
    manifest: dict


def create_backup(output: Path | str, now: dt.datetime | None = None) -> BackupResult:
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    now = now or timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    target = output / f"tamnong-{stamp}.tar"
    if target.exists():
        raise BackupError(f"Đã có tệp {target}.")
    partial = output / f".{target.name}.part"
    manifest = {
        "format": FORMAT,
        "application": "tamnong",
        "code": code_version(),
        "engine": connection.vendor,
        "created_at": now.isoformat(),
        "migrations": applied_migrations(),
        "files": [],
    }
    with tempfile.TemporaryDirectory(dir=output, prefix=".tamnong-backup-") as work:
        work = Path(work)
        if connection.vendor == "postgresql":
            db_file = work / PG_DUMP
            manifest["tables"] = _pg_dump(db_file)
        elif connection.vendor == "sqlite":
            db_file = work / SQLITE_COPY
            connection.ensure_connection()
            dst = sqlite3.connect(db_file)
            try:
                connection.connection.backup(dst)
            finally:
                dst.close()
            manifest["tables"] = sqlite_fingerprints(str(db_file))
        else:
            raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            manifest["files"].append(_add_file(tar, db_file, db_file.name))
            root = Path(settings.MEDIA_ROOT)
            if root.is_dir():
                for path in sorted(root.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        name = "media/" + path.relative_to(root).as_posix()
                        manifest["files"].append(_add_file(tar, path, name))
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
            tar.addfile(info, io.BytesIO(data))
    partial.rename(target)
    return BackupResult(target, manifest)


def _pg_dump(path: Path) -> dict:
    args, env = _pg_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        dump = subprocess.Popen(
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={path}", str(connection.settings_dict["NAME"])],
            env=env, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            tables = _pg_fingerprints()
        finally:
            _out, err = dump.communicate()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump thất bại: {err.strip()[-2000:]}")
    return tables


# -- restore --------------------------------------------------------------------------------
def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError("Tệp này không phải bản sao lưu Tam Nông (thiếu manifest.json).") from exc
    if manifest.get("application") != "tamnong" or manifest.get("format") != FORMAT:
        raise BackupError("Tệp này không phải bản sao lưu Tam Nông theo định dạng đã biết.")
    return manifest


def existing_data() -> dict[str, int]:
    """Users and administrative units in the database (absent tables count as none)."""
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in ("accounts_user", "divisions_division"):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
                counts[table] = cursor.fetchone()[0]
    return {k: v for k, v in counts.items() if v}


def _check_members(tar: tarfile.TarFile, manifest: dict) -> dict[str, dict]:
    expected = {f["path"]: f for f in manifest.get("files", [])}
    names = {m.name for m in tar.getmembers()} - {MANIFEST}
    for name in expected:
        parts = Path(name).parts
        if (
            name.startswith("/")
            or ".." in parts
            or not (name in (PG_DUMP, SQLITE_COPY) or (parts and parts[0] == "media"))
        ):
            raise BackupError(f"Bản sao lưu có tên tệp không hợp lệ: {name}")
    if names != set(expected):
        extra, missing = sorted(names - set(expected)), sorted(set(expected) - names)
        raise BackupError(
            "Bản sao lưu không khớp với manifest"
            + (f"; thiếu: {', '.join(missing[:5])}" if missing else "")
            + (f"; thừa: {', '.join(extra[:5])}" if extra else "")
        )
    return expected


def _extract_verified(tar: tarfile.TarFile, expected: dict[str, dict], into: Path) -> None:
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        if not member.isfile():
            raise BackupError(f"Bản sao lưu có mục không phải tệp: {member.name}")
        target = into / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tar.extractfile(member) as src, target.open("wb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                dst.write(chunk)
        if digest.hexdigest() != expected[member.name]["sha256"]:
            raise BackupError(f"Bản sao lưu bị hỏng: tệp {member.name} sai mã kiểm tra.")


def restore_backup(archive: Path | str, force: bool = False) -> dict:
    """Replace the database and the media folder with the archive's; returns the manifest and
    the tables checked."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Không có tệp {archive}.")
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 (closed by the `with` below)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {archive.name}: {exc}") from exc
    with tar:
        manifest = read_manifest(tar)
        engine = manifest.get("engine")
        if engine != connection.vendor:
            raise BackupError(
                f"Bản sao lưu của cơ sở dữ liệu {engine}, không khôi phục được vào "
                f"{connection.vendor}."
            )
        unknown = {tuple(m) for m in manifest.get("migrations", [])} - _known_migrations()
        if unknown:
            names = ", ".join(f"{a}.{n}" for a, n in sorted(unknown)[:5])
            raise BackupError(
                "Bản sao lưu được tạo bởi phiên bản mới hơn của Tam Nông (có bước chuyển đổi mà "
                f"mã nguồn này chưa có: {names}). Hãy cập nhật mã nguồn trước khi khôi phục."
            )
        expected = _check_members(tar, manifest)
        if not force:
            data = existing_data()
            media = media_files()
            if data or media:
                what = []
                if data.get("accounts_user"):
                    what.append(f"{data['accounts_user']} người dùng")
                if data.get("divisions_division"):
                    what.append(f"{data['divisions_division']} đơn vị hành chính")
                if media:
                    what.append(f"{len(media)} tệp đính kèm")
                raise BackupError(
                    "Nơi khôi phục đã có dữ liệu ("
                    + ", ".join(what)
                    + "). Khôi phục sẽ thay toàn bộ dữ liệu này; nếu chắc chắn, chạy lại với "
                    "--force."
                )
        media_root = Path(settings.MEDIA_ROOT)
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # extracted beside MEDIA_ROOT, so that putting the media in place is a rename
        with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".tamnong-restore-") as work:
            work = Path(work)
            _extract_verified(tar, expected, work)
            if engine == "postgresql":
                _pg_restore(work / PG_DUMP)
            else:
                _sqlite_restore(work / SQLITE_COPY)
            restored_media = work / "media"
            old = work / "media-before"
            if media_root.exists():
                media_root.rename(old)
            if restored_media.exists():
                restored_media.rename(media_root)
            else:
                media_root.mkdir(parents=True)
    tables = fingerprints()
    wrong = sorted(t for t, fp in (manifest.get("tables") or {}).items() if tables.get(t) != fp)
    if wrong:
        raise BackupError(
            "Đã khôi phục nhưng dữ liệu không khớp bản sao lưu ở các bảng: " + ", ".join(wrong[:10])
        )
    from django.core.cache import caches

    # cached reports were computed from the replaced data (the restored data version may even
    # equal one seen before): drop them all
    caches["data"].clear()
    return {"manifest": manifest, "tables": len(tables)}


def _pg_restore(dump: Path) -> None:
    """Drop what is there and load the dump, in one transaction: a failed restore leaves the
    database as it was. (`pg_restore` writes the dump as SQL, `psql` runs it after the drops.)"""
    args, env = _pg_args()
    name = str(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        sequences = [r[0] for r in cursor.fetchall()]
    drops = "".join(f"DROP TABLE IF EXISTS public.{_quote(t)} CASCADE;\n" for t in tables)
    drops += "".join(f"DROP SEQUENCE IF EXISTS public.{_quote(q)} CASCADE;\n" for q in sequences)
    connection.close()
    with tempfile.TemporaryFile() as sql_err, tempfile.TemporaryFile() as psql_err:
        sql = subprocess.Popen(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE, stderr=sql_err,
        )  # fmt: skip
        psql = subprocess.Popen(
            [_tool("psql"), *args, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
             f"--dbname={name}", "--file=-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err, env=env,
        )  # fmt: skip
        try:
            psql.stdin.write(drops.encode())
            shutil.copyfileobj(sql.stdout, psql.stdin, 1 << 20)
        except BrokenPipeError:  # psql stopped on an error: its message says which
            pass
        finally:
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            sql.stdout.close()
        sql.wait()
        psql.wait()
        sql_err.seek(0)
        psql_err.seek(0)
        if sql.returncode != 0:
            message = sql_err.read().decode(errors="replace").strip()[-2000:]
            raise BackupError(f"pg_restore thất bại: {message}")
        if psql.returncode != 0:
            raise BackupError(
                "Khôi phục thất bại, cơ sở dữ liệu giữ nguyên như trước: "
                + psql_err.read().decode(errors="replace").strip()[-2000:]
            )


def _sqlite_restore(copy: Path) -> None:
    connection.ensure_connection()
    src = sqlite3.connect(copy)
    try:
        src.backup(connection.connection)
    finally:
        src.close()
    connection.close()
