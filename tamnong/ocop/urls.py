from django.urls import path

from . import views

app_name = "ocop"
urlpatterns = [
    path("", views.index, name="index"),
    path("thong-bao/<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("chu-the/", views.producer_list, name="producers"),
    path("chu-the/them/", views.producer_new, name="producer_new"),
    path("chu-the/<int:pk>/", views.producer_detail, name="producer"),
    path("chu-the/<int:pk>/sua/", views.producer_edit, name="producer_edit"),
    path("chu-the/<int:producer_pk>/san-pham/them/", views.product_new, name="product_new"),
    path("san-pham/", views.product_list, name="products"),
    path("san-pham/<int:pk>/", views.product_detail, name="product"),
    path("san-pham/<int:pk>/anh/", views.product_photo, name="product_photo"),
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:pk>/tep/<int:file_pk>/", views.dossier_file, name="dossier_file"),
    path("hoi-dong/", views.session_list, name="sessions"),
    path("hoi-dong/them/", views.session_new, name="session_new"),
    path("hoi-dong/<int:pk>/", views.session_detail, name="session"),
    path("hoi-dong/<int:pk>/ket-thuc/", views.session_close, name="session_close"),
    path("giay-chung-nhan/", views.certificate_list, name="certificates"),
    path("giay-chung-nhan/<int:pk>/", views.certificate_detail, name="certificate"),
    path("giay-chung-nhan/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("bo-tieu-chi/", views.criteria_list, name="criteria"),
    path("bo-tieu-chi/mau.xlsx", views.criteria_xlsx, name="criteria_template"),
    path("bo-tieu-chi/nap/", views.criteria_upload, name="criteria_upload"),
    path("bo-tieu-chi/nap/<int:pk>/", views.criteria_upload_detail, name="criteria_upload_detail"),
    path("bo-tieu-chi/<int:pk>/", views.criteria_detail, name="criteria_detail"),
    path("bo-tieu-chi/<int:pk>/excel/", views.criteria_xlsx, name="criteria_xlsx"),
    path("nhap/", views.import_page, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("nhap/<int:pk>/dong-bi-loai.csv", views.import_rejected, name="import_rejected"),
    path("so-lieu/", views.figures, name="figures"),
    # Public pages, no login.
    path("danh-muc/", views.catalog, name="catalog"),
    path("danh-muc/anh/<int:pk>/", views.catalog_photo, name="catalog_photo"),
    path("xac-minh/", views.verify_lookup, name="verify_lookup"),
    path("xac-minh/<str:public_id>/", views.verify, name="verify"),
]
