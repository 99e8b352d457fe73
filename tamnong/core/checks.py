"""System checks of the deployment settings (`check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "[::1]"}


@checks.register(checks.Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs):
    """In production SITE_URL must be set, to the public address, or QR codes and links point
    nowhere: its default (http://HOST:PORT, what the server binds) is never the public one."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if getattr(settings, "SITE_URL_IS_DEFAULT", False):
        return [
            checks.Warning(
                f"SITE_URL is not set: it defaults to the address the server binds "
                f"({settings.SITE_URL}) in production.",
                hint="Set SITE_URL to the public address, e.g. https://tamnong.example.vn; "
                "certificate QR codes and verification links are built from it.",
                id="tamnong.W002",
            )
        ]
    if host in LOCAL_HOSTS or host.startswith("127."):
        return [
            checks.Warning(
                f"SITE_URL is a local address ({settings.SITE_URL}) in production.",
                hint="Set SITE_URL to the public address, e.g. https://tamnong.example.vn; "
                "certificate QR codes and verification links are built from it.",
                id="tamnong.W001",
            )
        ]
    return []
