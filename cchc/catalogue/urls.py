from django.urls import path

from cchc.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("new/", views.procedure_create, name="create"),
    path("export.xlsx", views.procedure_export, name="export"),
    path("<int:pk>/", views.procedure_detail, name="detail"),
    path("<int:pk>/edit/", views.procedure_edit, name="edit"),
    path("<int:pk>/publish/", views.procedure_publish, name="publish"),
    path("<int:pk>/withdraw/", views.procedure_withdraw, name="withdraw"),
]
