"""A signed-in citizen's own petitions: the form fills in their name and contacts, and "My
petitions" lists what they sent with a link to follow each one. Without it a citizen had to
keep every tracking link, or look each petition up by its code and phone."""

from __future__ import annotations

import pytest

from cchc.core.calendar import LOCAL_TZ
from cchc.feedback.models import Petition
from cchc.feedback.tests.factories import file
from cchc.feedback.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def test_a_signed_in_citizen_finds_the_petition_sent_under_my_petitions(client, cast):
    someone_else = file(cast.agency_a, title="Đường ngập nước", user=cast.outsider)
    anonymous = file(cast.agency_a, title="Phí chứng thực")
    client.force_login(cast.citizen)
    resp = client.post("/feedback/new/", form_data(agency=cast.agency_a.pk))
    assert resp.status_code == 302
    mine = Petition.objects.get(petitioner=cast.citizen)
    told = client.get(resp["Location"]).content.decode()
    assert "Phản ánh của tôi" in told  # the success message says where to find it again
    page = client.get("/feedback/mine/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/feedback/p/{mine.token}/"' in body and mine.code in body
    assert someone_else.code not in body and anonymous.code not in body
    assert 'href="/feedback/mine/"' in body  # the feedback menu leads there


def test_my_petitions_are_searched_without_diacritics(client, cast):
    kept = file(cast.agency_a, title="Thủ tục khai sinh rườm rà", user=cast.citizen)
    other = file(cast.agency_a, title="Đèn đường hỏng", user=cast.citizen)
    client.force_login(cast.citizen)
    page = client.get("/feedback/mine/", {"q": "khai sinh"}).context["page"]
    assert [p.pk for p in page] == [kept.pk]
    assert other.pk in [p.pk for p in client.get("/feedback/mine/").context["page"]]


def test_my_petitions_asks_a_visitor_to_sign_in(client):
    resp = client.get("/feedback/mine/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert 'href="/feedback/mine/"' not in client.get("/feedback/new/").content.decode()


def test_the_form_fills_in_the_signed_in_persons_name_and_contacts(client, cast):
    citizen = cast.citizen
    citizen.full_name, citizen.phone = "Lê Thị Hoa", "0987654321"
    citizen.save(update_fields=["full_name", "phone"])
    client.force_login(citizen)
    form = client.get("/feedback/new/").context["form"]
    assert form["petitioner_name"].value() == "Lê Thị Hoa"
    assert form["petitioner_phone"].value() == "0987654321"
    assert form["petitioner_email"].value() == citizen.email
    client.logout()
    assert client.get("/feedback/new/").context["form"]["petitioner_name"].value() in (None, "")


def test_the_tracking_page_shows_what_the_agency_asked(client, cast):
    from cchc.feedback import petitions

    p = file(cast.agency_a)
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category=p.category, agency=cast.agency_a)
    question = "Ông/Bà vui lòng cho biết số biên nhận hồ sơ và ngày nộp."
    petitions.request_info(p, actor=cast.specialist_a, question=question)
    body = client.get(f"/feedback/p/{p.token}/").content.decode()
    assert question in body and "Nội dung cơ quan đề nghị bổ sung" in body
    # the clock is paused: no due time that the wait will move
    assert "Thời hạn giải quyết tạm dừng" in body
    assert p.handle_due_at is not None
    assert (
        p.handle_due_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")
        not in body.split("petition-due")[1][:300]
    )
    petitions.receive_info(p, actor=cast.specialist_a, info="Biên nhận số 123, ngày 2/11")
    assert question not in client.get(f"/feedback/p/{p.token}/").content.decode()
