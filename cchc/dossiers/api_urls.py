from django.urls import path, re_path

from cchc.dossiers.api import api, not_found_json
from cchc.plans.api import router as plans_router

# Other modules' endpoints share this API's authentication and error format.
api.add_router("/plans/", plans_router)

urlpatterns = [
    path("", api.urls),
    # Unknown paths under /api/v1/ answer in the API's JSON error format, not an HTML page.
    re_path(r"^(?P<rest>.*)$", not_found_json),
]
