"""Lengths in the online form: each field says its limit, an over-long value is refused with
a message on the field (never cut silently), with the limits the counter form uses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.dossiers.models import APPLICANT_ADDRESS_MAX, APPLICANT_NAME_MAX, REQUEST_MAX, Dossier
from cchc.portal.models import Draft

from .conftest import PDF
from .test_submission import component, fields, form_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def post(client, cast, url, action, **extra):
    rd = component(cast)
    return client.post(
        url,
        {
            **fields(cast, **extra),
            "action": action,
            f"file_{rd.pk}": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf"),
        },
    )


def test_the_request_field_says_its_limit(client, cast, citizen, form_url):  # noqa: F811
    client.force_login(citizen)
    page = client.get(form_url).content.decode()
    assert f'maxlength="{REQUEST_MAX}"' in page
    assert "Tối đa 2000 ký tự" in page
    assert f'maxlength="{APPLICANT_NAME_MAX}"' in page
    assert f'maxlength="{APPLICANT_ADDRESS_MAX}"' in page


def test_an_over_long_request_is_refused_and_kept_whole(client, cast, citizen, form_url):  # noqa: F811
    client.force_login(citizen)
    text = "Nội dung " * 560  # 5,040 characters
    response = post(client, cast, form_url, "save", request=text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "tối đa 2000 ký tự" in page.lower() and "5040" in page
    # nothing cut: the draft keeps every character typed
    assert Draft.objects.get().data["request"] == text
    response = post(client, cast, form_url, "submit", request=text)
    assert response.status_code == 400 and not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("field", "length"), [("applicant_name", 314), ("address", 405)], ids=["name", "address"]
)
def test_over_long_name_or_address_is_refused_with_a_message(
    client,
    cast,
    citizen,
    form_url,  # noqa: F811
    field,
    length,
):
    client.force_login(citizen)
    response = post(client, cast, form_url, "submit", **{field: "Nguyễn " * (length // 7) + "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "ký tự" in page and f'id="id_{field}_error"' in page
    assert not Dossier.objects.exists()
