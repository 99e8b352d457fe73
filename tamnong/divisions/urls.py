from django.urls import path

from . import views

app_name = "divisions"
urlpatterns = [
    path("", views.division_list, name="list"),
    path("<int:pk>/", views.division_detail, name="detail"),
    path("changes/", views.change_list, name="changes"),
    path("changes/uploads/<int:pk>/", views.change_upload, name="change_upload"),
]
