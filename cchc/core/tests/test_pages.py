"""The site frame: error pages in Vietnamese, navigation to every module."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_not_found_page_is_in_vietnamese(client, settings):
    settings.DEBUG = False
    resp = client.get("/khong-co-trang-nay/")
    assert resp.status_code == 404
    assert "Không tìm thấy trang" in resp.content.decode()


def test_navigation_reaches_every_module(client, cast):
    page = client.get("/").content.decode()
    for url in ("/procedures/", "/lookup/", "/feedback/answers/", "/indices/cong-khai/"):
        assert f'href="{url}"' in page
    client.force_login(cast.clerk_a)
    page = client.get("/").content.decode()
    for url in ("/staff/", "/feedback/staff/", "/indices/"):
        assert f'href="{url}"' in page


def test_every_page_names_an_icon_that_exists(client):
    """Without one, browsers ask for /favicon.ico on every page and log a 404."""
    import re

    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
    assert icon and finders.find(icon.group(1))
