from django.urls import path

from . import views, views_import, views_recognition

app_name = "ntm"
urlpatterns = [
    path("", views.index, name="index"),
    path("sets/", views.set_list, name="sets"),
    path("nhap/ket-qua/", views_import.import_results, name="import_results"),
    path("nhap/phan-loai/", views_import.import_profiles, name="import_profiles"),
    path("sets/template.xlsx", views.set_template, name="set_template"),
    path("sets/<int:pk>/", views.set_detail, name="set"),
    path("uploads/<int:pk>/", views.upload, name="upload"),
    path("divisions/<int:pk>/", views.commune, name="commune"),
    path("divisions/<int:pk>/targets/", views.targets, name="targets"),
    path(
        "divisions/<int:pk>/recognitions/",
        views_recognition.recognitions,
        name="recognitions",
    ),
    path("divisions/<int:pk>/targets/new", views.target, name="target"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/evidence/<int:evidence_pk>/", views.evidence, name="evidence"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
]
