from django.urls import path

from . import views

app_name = "ntm"
urlpatterns = [path("", views.index, name="index")]
