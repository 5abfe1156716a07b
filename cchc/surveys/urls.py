from django.urls import path

from cchc.surveys.views import (
    answers,
    builder,
    campaign_settings,
    campaigns,
    entry,
    evaluations,
    respondents,
    results,
)

app_name = "surveys"
urlpatterns = [
    path("", campaigns.index, name="index"),
    path("new/", campaigns.campaign_new, name="campaign_new"),
    path("public/", campaigns.public, name="public"),
    path("evaluations/", evaluations.evaluations, name="evaluations"),
    path("r/<str:token>/", respondents.respond, name="respond"),
    path("o/<str:code>/<str:token>/<str:unit>/", respondents.respond_open, name="respond_open"),
    path("c/<str:code>/", campaigns.campaign_detail, name="campaign"),
    path("c/<str:code>/edit/", campaign_settings.campaign_edit, name="campaign_edit"),
    path("c/<str:code>/units/", campaign_settings.campaign_units, name="campaign_units"),
    path("c/<str:code>/quotas/", campaign_settings.quotas, name="quotas"),
    path("c/<str:code>/progress/", campaigns.progress_fragment, name="progress"),
    path("c/<str:code>/enter/", entry.enter, name="enter"),
    path("c/<str:code>/disputes/", entry.disputes, name="disputes"),
    path("c/<str:code>/responses/", answers.responses, name="responses"),
    path("c/<str:code>/responses/<str:number>/", answers.response_detail, name="response"),
    path("c/<str:code>/export/", answers.responses_export, name="responses_export"),
    path("c/<str:code>/answers-file/", answers.answers_file_prepare, name="answers_file_prepare"),
    path("c/<str:code>/answers-file/<str:fmt>/", answers.answers_file, name="answers_file"),
    path("c/<str:code>/results/", results.results, name="results"),
    path("c/<str:code>/results.xlsx", results.results_xlsx, name="results_xlsx"),
    path("c/<str:code>/results.pdf", results.results_pdf, name="results_pdf"),
    path("c/<str:code>/results/<str:unit>/", results.unit_results, name="unit_results"),
    path("c/<str:code>/letters/<str:unit>.pdf", campaigns.letters_pdf, name="letters"),
    path("c/<str:code>/poster/<str:unit>.pdf", campaigns.poster_pdf, name="poster"),
    path("q/new/", builder.questionnaire_new, name="questionnaire_new"),
    path("q/<int:pk>/", builder.builder, name="builder"),
    path("q/<int:pk>/preview/", builder.preview, name="preview"),
]
