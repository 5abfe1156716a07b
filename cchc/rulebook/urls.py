from django.urls import path

from cchc.rulebook import views

app_name = "rulebook"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("due/<str:day>/", views.dossiers_due, name="dossiers_due"),
    path("exceptions/<int:pk>/cancel/", views.calendar_cancel, name="calendar_cancel"),
    path("versions/", views.versions, name="versions"),
    path("versions/new/<str:key>/", views.version_new, name="version_new"),
    path("versions/<str:key>/<str:version>/", views.version_detail, name="version_detail"),
    path("audit/", views.audit, name="audit"),
]
