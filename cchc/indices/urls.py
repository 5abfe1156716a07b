from django.urls import path

from cchc.indices.views import (
    agency,
    figures,
    losses,
    overview,
    periods,
    province,
    public,
    reconciliation,
)

app_name = "indices"
urlpatterns = [
    path("", province.dashboard, name="dashboard"),
    path("xep-hang/", province.ranking, name="ranking"),
    path("mat-diem/", losses.losses, name="losses"),
    path("tong-hop/", overview.scorecard, name="scorecard"),
    path("cong-khai/", public.public, name="public"),
    path("doi-soat/", reconciliation.reconcile_upload, name="reconcile"),
    path("doi-soat/cong/", reconciliation.reconcile_portal, name="reconcile_portal"),
    path("ky-bao-cao/", periods.periods, name="periods"),
    path("so-lieu-cong-bo/", figures.published_figures, name="figures"),
    path("co-quan/<str:code>/", agency.agency_detail, name="agency"),
    path("co-quan/<str:code>/chi-so/<str:metric>/", agency.evidence, name="evidence"),
]
