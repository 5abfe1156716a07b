"""Pages are in Vietnamese whatever the browser's language, unless the reader chose English;
the API still answers a client in the language it asks for."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_a_browser_set_to_english_gets_the_pages_in_vietnamese(client):
    page = client.get("/", **ENGLISH_BROWSER).content.decode()
    assert '<html lang="vi">' in page and "Cổng dịch vụ công" in page


def test_the_switcher_choice_is_kept(client):
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, **ENGLISH_BROWSER)
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Public services portal" in page
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Cổng dịch vụ công" in client.get("/", **ENGLISH_BROWSER).content.decode()


def test_an_unknown_cookie_value_falls_back_to_vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi">' in client.get("/", **ENGLISH_BROWSER).content.decode()


def test_the_api_still_negotiates_with_its_client(client):
    english = client.get("/api/v1/dossiers/no-such-code", HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client.get("/api/v1/dossiers/no-such-code")
    assert english.status_code == vietnamese.status_code == 401
    assert english.json()["error"]["message"] != vietnamese.json()["error"]["message"]
