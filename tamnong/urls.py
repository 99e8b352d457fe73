from django.urls import include, path

from tamnong.api import api
from tamnong.core import views as core_views

urlpatterns = [
    path("", include(("tamnong.core.urls", "core"))),
    path("accounts/", include("tamnong.accounts.urls")),
    path("divisions/", include("tamnong.divisions.urls")),
    path("audit/", include("tamnong.audit.urls")),
    path("jobs/", include("tamnong.jobs.urls")),
    path("nhap/", include("tamnong.tabular.urls")),
    path("ocop/", include("tamnong.ocop.urls")),
    path("ntm/", include("tamnong.ntm.urls")),
    path("poverty/", include("tamnong.poverty.urls")),
    path("reports/", include("tamnong.reports.urls")),
    path("quyet-dinh/", include("tamnong.decisions.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("healthz", core_views.health, name="health"),
]
# No route serves MEDIA_ROOT: stored files are sent by their records' views after the scope check
# (tamnong/core/storedfiles.py).

handler400 = "tamnong.core.errors.bad_request"
handler403 = "tamnong.core.errors.permission_denied"
handler404 = "tamnong.core.errors.page_not_found"
handler500 = "tamnong.core.errors.server_error"
