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


def test_the_not_allowed_page_speaks_to_who_reads_it(client, cast):
    """A citizen who opens a staff page is pointed at what citizens do, not told to ask an
    agency administrator; staff read why, and where to ask."""
    client.force_login(cast.citizen)
    page = client.get("/staff/intake/")
    assert page.status_code == 403
    body = page.content.decode()
    assert "dành cho cán bộ" in body and 'href="/lookup/"' in body
    assert "quản trị cơ quan" not in body
    client.force_login(cast.inspector)
    body = client.get("/staff/intake/").content.decode()
    assert "Chỉ cán bộ một cửa được tiếp nhận hồ sơ." in body  # the refusal's own reason
    assert "Tài khoản của Ông/Bà không được phép" in body


def test_the_server_error_page_fits_a_phone_and_warns_against_sending_twice():
    from pathlib import Path

    from django.conf import settings

    page = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text()
    assert 'name="viewport"' in page and "tra cứu trước khi gửi lại" in page


def test_the_menu_is_the_same_on_every_module_page(client, cast):
    """The agencies link and "Create account" (or "My dossiers") were only on the portal's
    own pages, so the menu changed under a citizen's hand on the PAR or petition pages."""
    for path in ("/", "/feedback/new/", "/par/public/", "/indices/cong-khai/"):
        body = client.get(path).content.decode()
        assert 'href="/agencies/"' in body and 'href="/signup/"' in body, path
    client.force_login(cast.citizen)
    for path in ("/", "/feedback/new/", "/par/public/"):
        assert 'href="/my/"' in client.get(path).content.decode(), path
