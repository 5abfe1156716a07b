from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from cchc.portal.views import catalogue as portal_catalogue

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("cchc.accounts.urls")),
    path("api/v1/", include("config.api")),
    path("open311/v2/", include("cchc.feedback.open311_urls")),
    path("staff/", include("cchc.dossiers.urls")),
    path("catalogue/", include("cchc.catalogue.urls")),
    path("forms/", include("cchc.paperwork.urls")),
    path("feedback/", include("cchc.feedback.urls")),
    path("surveys/", include("cchc.surveys.urls")),
    path("indices/", include("cchc.indices.urls")),
    path("par/", include("cchc.reform.urls")),
    path("plans/", include("cchc.plans.urls")),
    path("rules/", include("cchc.rulebook.urls")),
    path("", portal_catalogue.home, name="home"),
    path("", include("cchc.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
