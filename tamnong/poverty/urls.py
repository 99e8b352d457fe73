from django.urls import path

from . import views

app_name = "poverty"
urlpatterns = [
    path("", views.index, name="index"),
    path("ho/", views.household_list, name="households"),
    path("ho/<str:code>/", views.household_detail, name="household"),
    path("nhap/", views.import_upload, name="import"),
    path("nhap/mau.<fmt>", views.import_template, name="template"),
    path("nhap/<int:pk>/loi.csv", views.import_errors, name="import_errors"),
    path("ra-soat/", views.rounds, name="rounds"),
    path("ra-soat/<int:commune_id>/<int:year>/", views.round_detail, name="round"),
    path("ra-soat/<int:commune_id>/<int:year>/ho-so/", views.round_document, name="round_document"),
]
