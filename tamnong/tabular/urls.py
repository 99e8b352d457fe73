from django.urls import path

from . import views

app_name = "tabular"
urlpatterns = [
    path("xem/<int:pk>/", views.preview_page, name="preview"),
    path("tac-vu/<int:pk>/loi.csv", views.job_report, name="job_report"),
]
