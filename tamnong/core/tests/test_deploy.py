import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_pass_the_deployment_checklist():
    env = {
        **os.environ,
        "TAMNONG_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-long-random-production-secret-0123456789",
        "ALLOWED_HOSTS": "tamnong.example.vn",
        "SITE_URL": "https://tamnong.example.vn",
        "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tamnong.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["TAMNONG_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "-m", "tamnong.cli", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_static_files_collect_with_the_production_manifest_storage(tmp_path):
    """Every vendored file and what it references (source maps included) must be collectable."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **base,
        "TAMNONG_ENV": "production",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "x.vn",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tamnong.cli", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def _deploy_check(**extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    env.update(
        {
            "TAMNONG_ENV": "production",
            "SECRET_KEY": "k" * 20 + "-long-random-production-secret-0123456789",
            "ALLOWED_HOSTS": "tamnong.example.vn",
            "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "tamnong.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_site_url_left_at_its_default_in_production_is_a_deploy_warning():
    # the default is http://HOST:PORT: here a private address, not a local one
    result = _deploy_check(HOST="10.1.2.3", PORT="8000")
    assert result.returncode != 0
    assert "tamnong.W002" in result.stderr and "SITE_URL is not set" in result.stderr


def test_a_site_url_set_to_the_public_address_passes_the_deploy_check():
    result = _deploy_check(HOST="10.1.2.3", SITE_URL="https://tamnong.example.vn")
    assert result.returncode == 0, result.stdout + result.stderr
