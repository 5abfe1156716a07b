"""The work queue's search box: its placeholder was cut ("mã hồ sơ, tên, đ" at 1280 px,
a sixth of the row); it has a row of its own, a short placeholder and the full hint as help
text the box points to (aria-describedby)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_search_box_has_its_own_row_a_short_placeholder_and_the_full_hint(client, cast):
    client.force_login(cast.clerk_a)
    page = client.get("/staff/").content.decode()
    search = re.search(r'<div class="queue-search">(.*?)</div>', page, re.S).group(1)
    box = re.search(r'<input type="search"[^>]*>', search).group(0)
    assert 'aria-describedby="id_q_helptext"' in box
    placeholder = re.search(r'placeholder="([^"]*)"', box).group(1)
    assert len(placeholder) <= 24, placeholder
    assert "Mã hồ sơ, tên người nộp, số điện thoại hoặc số CCCD" in search
    grid = re.search(r'<div class="grid">(.*?)</form>', page, re.S).group(1)
    assert 'name="q"' not in grid
