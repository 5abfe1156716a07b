"""A page of an API list past its end is refused with 404 in the error envelope, not answered
with the last page again (a client reading pages until an empty or short one got the last
page's items twice, or never stopped); page 0 or below is a 400. An empty list still has its
page 1. The same for every paginated list: dossiers, procedures, plans' tasks."""

import pytest
from django.test import Client

from cchc.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')[1]}")


@pytest.mark.parametrize("url", ["/api/v1/dossiers", "/api/v1/procedures", "/api/v1/plans/tasks"])
def test_a_page_past_the_end_is_not_found(cast, url):
    client = _client(cast.province_admin)
    first = client.get(url, {"page_size": 1})
    assert first.status_code == 200, first.content
    num_pages = first.json()["num_pages"]
    assert first.json()["page"] == 1
    last = client.get(url, {"page_size": 1, "page": num_pages})
    assert last.status_code == 200 and last.json()["page"] == num_pages

    r = client.get(url, {"page_size": 1, "page": num_pages + 1})
    assert r.status_code == 404, r.content
    assert r.json() == {
        "error": {
            "code": "not_found",
            "message": f"Không có trang {num_pages + 1}: danh sách có {num_pages} trang.",
            "field": "page",
        }
    }
    assert client.get(url, {"page": 999}).status_code == 404
    for page in ("0", "-3"):
        r = client.get(url, {"page": page})
        assert r.status_code == 400 and r.json()["error"]["field"] == "page"


def test_a_list_of_several_pages_ends_where_it_says(cast):
    """The catalogue holds the cast's procedure and one more: two pages of one."""
    from cchc.catalogue import services as catalogue
    from cchc.core.actors import SYSTEM

    catalogue.create_procedure(
        actor=SYSTEM,
        data={"code": "3.000009", "name": "Cấp phép xây dựng"},
        agencies=[cast.agency_b],
    )
    client = _client(cast.clerk_a)
    pages = [client.get("/api/v1/procedures", {"page_size": 1, "page": n}) for n in (1, 2, 3)]
    assert [p.status_code for p in pages] == [200, 200, 404]
    codes = [p.json()["items"][0]["code"] for p in pages[:2]]
    assert len(set(codes)) == 2 and pages[1].json()["num_pages"] == 2
