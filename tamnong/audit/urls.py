from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("lan-nhap/<str:label>/<int:pk>/", views.import_changes, name="import_changes"),
    path("lan-nhap/<str:label>/<int:pk>/hoan-tac/", views.import_undo, name="import_undo"),
]
