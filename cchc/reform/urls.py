from django.urls import path

from cchc.reform.views import external_indices, home, rankings, sheets, templates

app_name = "reform"

urlpatterns = [
    path("", home.home, name="home"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/<int:pk>/", templates.template_detail, name="template"),
    path("templates/<int:pk>/action/", templates.template_action, name="template_action"),
    path("templates/<int:pk>/progress/", templates.progress, name="progress"),
    path("templates/<int:pk>/export.<str:fmt>", templates.template_export, name="template_export"),
    path("templates/<int:pk>/open/", sheets.assessment_open, name="assessment_open"),
    path("a/<int:pk>/", sheets.assessment, name="assessment"),
    path("a/<int:pk>/action/", sheets.assessment_action, name="assessment_action"),
    path("a/<int:pk>/export.<str:fmt>", sheets.assessment_export, name="assessment_export"),
    path("files/<int:pk>/", sheets.evidence_file, name="file"),
    path("results/<int:year>/", rankings.ranking, name="ranking"),
    path("results/<int:year>/publish/", rankings.publish, name="publish"),
    path("results/<int:year>/<str:code>/", rankings.unit_result, name="unit"),
    path("public/", rankings.public, name="public"),
    path("public/<int:year>/", rankings.public, name="public_year"),
    path("external/", external_indices.external_page, name="external"),
]
