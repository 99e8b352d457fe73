from django.urls import path

from . import views

app_name = "poverty"
urlpatterns = [path("", views.index, name="index")]
