from django.urls import path

from cchc.indices import figure_views, portal_views, views

app_name = "indices"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xep-hang/", views.ranking, name="ranking"),
    path("mat-diem/", views.losses, name="losses"),
    path("cong-khai/", views.public, name="public"),
    path("doi-soat/", views.reconcile_upload, name="reconcile"),
    path("doi-soat/cong/", portal_views.reconcile_portal, name="reconcile_portal"),
    path("ky-bao-cao/", views.periods, name="periods"),
    path("so-lieu-cong-bo/", figure_views.published_figures, name="figures"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency"),
    path("co-quan/<str:code>/chi-so/<str:metric>/", views.evidence, name="evidence"),
]
