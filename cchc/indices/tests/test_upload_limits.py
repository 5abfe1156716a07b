"""The portal-file check takes at most MAX_FILES files at once and says so: the files beyond
the twentieth had been dropped without a word, and their unit rows never checked."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.indices.views.reconciliation import MAX_FILES

pytestmark = pytest.mark.django_db


def test_more_files_than_the_limit_are_refused_with_a_message(client, cast):
    client.force_login(cast.province_admin)
    files = [
        SimpleUploadedFile(f"r{i}.json", b"[1]", content_type="application/json")
        for i in range(MAX_FILES + 1)
    ]
    body = client.post(reverse("indices:reconcile"), {"files": files}).content.decode()
    assert f"Tối đa {MAX_FILES} tệp mỗi lần: bạn đã chọn {MAX_FILES + 1}." in body
    # none was read: no file's own message (every one of them is not a portal report)
    assert "r0.json" not in body
