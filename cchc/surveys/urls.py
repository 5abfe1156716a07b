from django.urls import path

from cchc.surveys.views import results as views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("public/", views.public, name="public"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("r/<str:token>/", views.respond, name="respond"),
    path("o/<str:code>/<str:token>/<str:unit>/", views.respond_open, name="respond_open"),
    path("c/<str:code>/", views.campaign_detail, name="campaign"),
    path("c/<str:code>/progress/", views.progress_fragment, name="progress"),
    path("c/<str:code>/enter/", views.enter, name="enter"),
    path("c/<str:code>/disputes/", views.disputes, name="disputes"),
    path("c/<str:code>/responses/", views.responses, name="responses"),
    path("c/<str:code>/responses/<str:number>/", views.response_detail, name="response"),
    path("c/<str:code>/export/", views.responses_export, name="responses_export"),
    path("c/<str:code>/results/", views.results, name="results"),
    path("c/<str:code>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("c/<str:code>/results.pdf", views.results_pdf, name="results_pdf"),
    path("c/<str:code>/results/<str:unit>/", views.unit_results, name="unit_results"),
    path("c/<str:code>/letters/<str:unit>.pdf", views.letters_pdf, name="letters"),
    path("q/new/", views.questionnaire_new, name="questionnaire_new"),
    path("q/<int:pk>/", views.builder, name="builder"),
    path("q/<int:pk>/preview/", views.preview, name="preview"),
]
