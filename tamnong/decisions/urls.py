from django.urls import path

from . import views

app_name = "decisions"
urlpatterns = [
    path("<int:pk>/tep/", views.attachment, name="attachment"),
]
