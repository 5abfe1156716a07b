"""The supplement form on the status page says the size limit before the upload, as the
submission form does (a phone camera's photo easily passes it)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from .test_my_messages import paused  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@override_settings(MAX_UPLOAD_MB=7)
def test_supplement_form_says_the_size_limit(client, citizen, paused):  # noqa: F811
    client.force_login(citizen)
    page = client.get(reverse("portal:dossier", args=[paused.code]))
    html = page.content.decode()
    form = re.search(r'<article id="supplement">.*?</form>', html, re.S)
    assert form, "no supplement form on the page of a paused dossier"
    assert "tối đa 7 MB" in form.group(0)
