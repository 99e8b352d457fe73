"""One setting, SITE_URL, builds every absolute link (issue 11, defect 2)."""

import os
import subprocess
import sys
from pathlib import Path

from django.core import checks

ROOT = Path(__file__).resolve().parents[3]


def setting_in_child(env_extra, name="SITE_URL"):
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "HOST")}
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "-c", f"import tamnong.settings as s; print(s.{name})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_site_url_defaults_to_the_address_make_run_serves_and_honours_port():
    assert setting_in_child({}) == "http://127.0.0.1:8000"
    assert setting_in_child({"PORT": "8080"}) == "http://127.0.0.1:8080"
    assert setting_in_child({"SITE_URL": "https://ocop.example.vn/"}) == "https://ocop.example.vn"


def test_certificate_links_use_site_url(settings):
    from types import SimpleNamespace

    from tamnong.ocop import pdf

    settings.SITE_URL = "https://ocop.tinh.gov.vn"
    url = pdf.verification_url(SimpleNamespace(public_id="abc123"))
    assert url.startswith("https://ocop.tinh.gov.vn/") and "abc123" in url
    assert "127.0.0.1" not in url


def test_a_localhost_site_url_in_production_is_a_deploy_warning(settings):
    from tamnong.core.checks import site_url_check

    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SITE_URL_IS_DEFAULT = False  # set, but to a local address
    settings.PRODUCTION = True
    found = site_url_check(None)
    assert [w.id for w in found] == ["tamnong.W001"] and isinstance(found[0], checks.Warning)
    settings.SITE_URL = "https://ocop.tinh.gov.vn"
    assert site_url_check(None) == []
    settings.SITE_URL = "http://localhost:8000"
    settings.PRODUCTION = False
    assert site_url_check(None) == []
