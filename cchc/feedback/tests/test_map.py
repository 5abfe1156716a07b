"""Location picker on the public petition form (shown when a tile server is configured)."""

from __future__ import annotations

import pytest

TILES = "/no-tile-server-in-tests/{z}/{x}/{y}.png"


@pytest.mark.django_db
def test_map_only_with_a_tile_server(client, settings):
    settings.MAP_TILE_URL = ""
    page = client.get("/feedback/new/").content.decode()
    assert "data-map-picker" not in page and "leaflet.js" not in page
    assert 'name="lat"' in page and 'name="long"' in page  # the plain fields stay usable
    settings.MAP_TILE_URL = "https://tiles.example.gov.vn/{z}/{x}/{y}.png"
    page = client.get("/feedback/new/").content.decode()
    assert "data-map-picker" in page and "vendor/leaflet/leaflet.js" in page
    assert 'data-tiles="https://tiles.example.gov.vn/{z}/{x}/{y}.png"' in page


@pytest.mark.browser
def test_clicking_the_map_fills_the_coordinates(browser_page, settings, transactional_db):
    settings.MAP_TILE_URL = TILES  # tiles 404 here; the picker works without them
    settings.MAP_CENTER = "21.0285,105.8542"
    page = browser_page
    page.goto(f"{page.base_url}/feedback/new/")
    page.wait_for_selector("#location-map.leaflet-container")
    page.locator("#location-map").scroll_into_view_if_needed()
    box = page.locator("#location-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat = float(page.input_value("#id_lat"))
    lng = float(page.input_value("#id_long"))
    assert abs(lat - 21.0285) < 0.01 and abs(lng - 105.8542) < 0.01
    page.shot("map-picked")
