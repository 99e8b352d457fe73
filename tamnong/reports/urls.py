from django.urls import path

from . import views, views_national
from .exports import views as exports

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("summary/", views.summary, name="summary"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("national/", views_national.dashboard, name="national_dashboard"),
    path("national/summary/", views_national.summary, name="national_summary"),
    path("national/decisions/", views_national.decisions, name="national_decisions"),
    path("funding/import/", views.funding_import, name="funding_import"),
    path("records/<slug:kind>/", views.records, name="records"),
    path("records/<slug:kind>/new/", views.create, name="create"),
    path("exports/<slug:kind>/", exports.download, name="export"),
]
