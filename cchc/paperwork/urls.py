from django.urls import path

from cchc.paperwork import views

app_name = "paperwork"
urlpatterns = [
    path("logbook/", views.logbook, name="logbook"),
    path("<str:code>/", views.dossier_forms, name="dossier_forms"),
    path("<str:code>/<str:key>.pdf", views.dossier_form, name="dossier_form"),
]
