from django.urls import path

from . import views

app_name = "ocop"
urlpatterns = [path("", views.index, name="index")]
