from django.urls import path

from . import views
from .exports import views as exports

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("summary/", views.summary, name="summary"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("funding/import/", views.funding_import, name="funding_import"),
    path("records/<slug:kind>/", views.records, name="records"),
    path("records/<slug:kind>/new/", views.create, name="create"),
    path("exports/<slug:kind>/", exports.download, name="export"),
]
