"""Every event log shows in the one read-only admin (issue 11 point 1).

The models are found through the app registry (cchc.core.chains.event_models: every concrete
subclass of EventLog), so a module that adds an event log without registering it fails here.
"""

from __future__ import annotations

import pytest
from django.contrib import admin

from cchc.core.admin import EventLogAdmin
from cchc.core.chains import event_models


def test_the_app_registry_knows_the_event_logs_of_every_workflow_module():
    apps = {model._meta.app_label for model in event_models()}
    assert {"dossiers", "feedback", "surveys", "indices", "reform", "plans", "rulebook"} <= apps


@pytest.mark.parametrize("model", event_models(), ids=lambda m: m._meta.label)
def test_every_event_log_has_the_shared_read_only_admin(admin_client, model):
    model_admin = admin.site._registry.get(model)
    assert isinstance(model_admin, EventLogAdmin), f"{model._meta.label} is not in the admin"
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert admin_client.get(url).status_code == 200
    # nothing is added, changed or deleted there: the log is append-only
    assert admin_client.get(url + "add/").status_code == 403
