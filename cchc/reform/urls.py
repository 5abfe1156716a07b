from django.urls import path

from cchc.reform.views import rankings as views

app_name = "reform"

urlpatterns = [
    path("", views.home, name="home"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/action/", views.template_action, name="template_action"),
    path("templates/<int:pk>/progress/", views.progress, name="progress"),
    path("templates/<int:pk>/export.<str:fmt>", views.template_export, name="template_export"),
    path("templates/<int:pk>/open/", views.assessment_open, name="assessment_open"),
    path("a/<int:pk>/", views.assessment, name="assessment"),
    path("a/<int:pk>/action/", views.assessment_action, name="assessment_action"),
    path("a/<int:pk>/export.<str:fmt>", views.assessment_export, name="assessment_export"),
    path("files/<int:pk>/", views.evidence_file, name="file"),
    path("results/<int:year>/", views.ranking, name="ranking"),
    path("results/<int:year>/publish/", views.publish, name="publish"),
    path("results/<int:year>/<str:code>/", views.unit_result, name="unit"),
    path("public/", views.public, name="public"),
    path("public/<int:year>/", views.public, name="public_year"),
    path("external/", views.external_page, name="external"),
]
