from django.urls import path

from cchc.portal import password
from cchc.portal.views import status as views

app_name = "portal"
urlpatterns = [
    path("procedures/", views.procedures, name="procedures"),
    path("procedures/<str:code>/", views.procedure_detail, name="procedure"),
    path("procedures/<str:code>/submit/", views.submit, name="submit"),
    path(
        "procedures/<str:code>/templates/<int:pk>/",
        views.procedure_template,
        name="procedure_template",
    ),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<str:code>/", views.agency_detail, name="agency"),
    path("signup/", views.signup, name="signup"),
    path("signup/verify/", views.verify, name="verify"),
    path("password/reset/", password.request_reset, name="password_reset"),
    path("password/reset/sent/", password.reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        password.ResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("my/", views.my_dossiers, name="my_dossiers"),
    path("lookup/", views.lookup, name="lookup"),
    path("lookup/<str:code>/", views.dossier_status, name="dossier"),
    path("lookup/<str:code>/qr.svg", views.dossier_qr, name="qr"),
    path("lookup/<str:code>/receipt.pdf", views.receipt_pdf, name="receipt"),
    path("lookup/<str:code>/result.pdf", views.result_file, name="result"),
    path("lookup/<str:code>/evaluate/", views.evaluate, name="evaluate"),
    path("kiosk/", views.kiosk_start, name="kiosk_start"),
    path("kiosk/register/", views.kiosk_register, name="kiosk_register"),
    path("kiosk/<str:code>/evaluate/", views.kiosk_evaluate, name="kiosk_evaluate"),
    path("documents/<int:pk>/", views.document_file, name="document"),
]
