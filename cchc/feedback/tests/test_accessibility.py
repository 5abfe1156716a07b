"""Accessibility of feedback and petitions in Chromium: axe-core finds no serious or critical
violation on the public pages (form, answers, reception, a petition's tracking page) nor on
the staff pages (queue, petition, dashboard, complaints register and forms)."""

from __future__ import annotations

import pytest
from django.test import Client

from cchc.feedback.models import Petition, Topic
from cchc.testing import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def tracking_url(reseeded, cast):
    """A petition sent through the public web form (as a citizen would)."""
    response = Client().post(
        "/feedback/new/",
        {
            "topic": Topic.objects.order_by("pk").first().pk,
            "agency": cast.agency_a.pk,
            "title": "Giấy tờ không cần thiết",
            "description": "Bộ phận một cửa yêu cầu bản sao sổ hộ khẩu.",
            "petitioner_name": "Nguyễn Văn An",
            "petitioner_phone": "0912345678",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_public_feedback_pages(tracking_url, browser_page):
    page = browser_page
    for path in (
        "/feedback/new/",
        "/feedback/answers/",
        "/feedback/answers/?q=thu+tuc",
        "/feedback/reception/",
        "/feedback/lookup/",
        tracking_url,
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    # the web form sent back with errors
    page.goto(page.base_url + "/feedback/new/")
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_selector("#id_title[aria-invalid=true]")
    assert_accessible(page)


def test_staff_feedback_pages(tracking_url, cast, browser_page):
    page = browser_page
    petition = Petition.objects.get()
    sign_in(page, cast.clerk_a)
    for path in (
        "/feedback/staff/",
        "/feedback/staff/?tab=unrouted",
        f"/feedback/staff/{petition.code}/",
        "/feedback/staff/new/",
        "/feedback/staff/dashboard/",
    ):
        page.goto(page.base_url + path)
        assert_accessible(page)
    sign_in(page, cast.leader_a)
    for path in ("/feedback/complaints/", "/feedback/complaints/new/", "/feedback/reception/new/"):
        page.goto(page.base_url + path)
        assert_accessible(page)
