from django.urls import path

from cchc.agencies import views as agency_views
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
    # the province's agencies (Home Affairs keeps them with the rules: mergers, renames,
    # ranking groups); mounted here so they share the rules' menu
    path("agencies/", agency_views.agency_list, name="agency_list"),
    path("agencies/<str:code>/", agency_views.agency_edit, name="agency_edit"),
    path("agencies/<str:code>/merge/", agency_views.agency_merge, name="agency_merge"),
    path("agencies/<str:code>/hours/", agency_views.agency_hours, name="agency_hours"),
]
