from django.urls import path

from cchc.portal import password
from cchc.portal.views import account, catalogue, evaluation, status, submission

app_name = "portal"
urlpatterns = [
    path("procedures/", catalogue.procedures, name="procedures"),
    path("procedures/<str:code>/", catalogue.procedure_detail, name="procedure"),
    path("procedures/<str:code>/submit/", submission.submit, name="submit"),
    path(
        "procedures/<str:code>/templates/<int:pk>/",
        catalogue.procedure_template,
        name="procedure_template",
    ),
    path("agencies/", catalogue.agencies, name="agencies"),
    path("agencies/<str:code>/", catalogue.agency_detail, name="agency"),
    path("signup/", account.signup, name="signup"),
    path("signup/verify/", account.verify, name="verify"),
    path("password/reset/", password.request_reset, name="password_reset"),
    path("password/reset/sent/", password.reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        password.ResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("my/", account.my_dossiers, name="my_dossiers"),
    path("lookup/", status.lookup, name="lookup"),
    path("lookup/<str:code>/", status.dossier_status, name="dossier"),
    path("lookup/<str:code>/qr.svg", status.dossier_qr, name="qr"),
    path("lookup/<str:code>/receipt.pdf", status.receipt_pdf, name="receipt"),
    path("lookup/<str:code>/result.pdf", status.result_file, name="result"),
    path("lookup/<str:code>/notice-<str:key>.pdf", status.notice_pdf, name="notice"),
    path("lookup/<str:code>/evaluate/", evaluation.evaluate, name="evaluate"),
    path("kiosk/", evaluation.kiosk_start, name="kiosk_start"),
    path("kiosk/register/", evaluation.kiosk_register, name="kiosk_register"),
    path("kiosk/<str:code>/evaluate/", evaluation.kiosk_evaluate, name="kiosk_evaluate"),
    path("documents/<int:pk>/", status.document_file, name="document"),
]
