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


def test_the_last_four_digits_of_the_id_find_the_applicants_dossiers(client, cast):
    """At the counter the citizen reads out the last four digits of their ID number: the
    search box looked them up only in dossier codes and names, so it found nothing of theirs
    (or another person's dossier whose code happened to hold the digits)."""
    from cchc.accounts.models import hash_national_id
    from cchc.dossiers.services import Applicant
    from cchc.dossiers.tests.factories import counter_dossier

    def person(name: str, number: str) -> Applicant:
        return Applicant(name=name, id_hash=hash_national_id(number), id_last4=number[-4:])

    mine = [counter_dossier(cast, person("Lê Văn Tám", "001099017391")) for _ in range(2)]
    other = counter_dossier(cast, person("Phạm Thị Hoa", "001099012222"))
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "all", "q": "7391"}).content.decode()
    assert all(d.code in page for d in mine) and other.code not in page
    # the whole ID still finds them; the hint says the four digits are enough
    page = client.get("/staff/", {"queue": "all", "q": "001099017391"}).content.decode()
    assert all(d.code in page for d in mine) and other.code not in page
    assert "4 chữ số cuối" in page
    # out of sight stays out of sight: another agency's staff find nothing by the digits
    client.force_login(cast.outsider)
    assert mine[0].code not in client.get("/staff/", {"queue": "all", "q": "7391"}).content.decode()


def test_a_search_that_finds_nothing_says_so_not_that_the_queue_is_empty(client, cast):
    """'Không có hồ sơ nào trong danh sách này' under a search read as an empty queue: the
    clerk could not tell a mistyped number from a queue with nothing to do."""
    from cchc.dossiers.tests.factories import counter_dossier

    counter_dossier(cast)
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "all", "q": "9999"}).content.decode()
    empty = re.search(r'<td colspan="7" id="queue-empty">(.*?)</td>', page, re.S).group(1)
    assert "Không có hồ sơ nào khớp với nội dung tìm kiếm" in empty
    page = client.get("/staff/", {"queue": "supplement"}).content.decode()
    empty = re.search(r'<td colspan="7" id="queue-empty">(.*?)</td>', page, re.S).group(1)
    assert empty == "Không có hồ sơ nào trong danh sách này."


def test_a_capped_list_says_how_far_it_can_be_paged(client, cast, monkeypatch):
    """Over the count's cap the list said 'mới nhất trước' (newest first) whatever its order
    (the work queues list the soonest due first), and not that the rows past the cap cannot be
    reached page by page."""
    from cchc.core import pagination
    from cchc.dossiers.tests.factories import counter_dossier

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for _ in range(3):
        counter_dossier(cast)
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "agency"}).content.decode()
    assert "chỉ xem được 2 hồ sơ đầu tiên" in page and "mới nhất trước" not in page
