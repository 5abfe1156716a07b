from django.urls import path

from cchc.paperwork import views

app_name = "paperwork"
urlpatterns = [
    path("logbook/", views.logbook, name="logbook"),
    path("register/", views.register_page, name="register"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("register.pdf", views.register_pdf, name="register_pdf"),
    path("<str:code>/", views.dossier_forms, name="dossier_forms"),
    path("<str:code>/<str:key>.pdf", views.dossier_form, name="dossier_form"),
]
