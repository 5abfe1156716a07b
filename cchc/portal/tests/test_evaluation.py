"""Evaluation after service: once, after the result is returned, by the applicant or at a kiosk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Evaluation
from cchc.dossiers.signals import dossier_changed
from cchc.portal import services
from cchc.portal.models import PortalActivity

pytestmark = pytest.mark.django_db

# the criteria of the survey method version `danh-gia-ho-so` (surveys migration 0003), which
# the evaluation form and its check read (Evaluation.criteria())
CRITERIA = [
    "total_time",
    "time_per_agency",
    "contacts",
    "agencies_contacted",
    "one_stop",
    "publicly_posted",
    "attitude",
    "feedback_response",
    "online_quality",
]


def test_criteria_come_from_the_survey_method_version():
    from cchc.surveys.models import Item

    assert [key for key, _label in Evaluation.criteria()] == CRITERIA
    # rule data, not code: a changed wording in the method is what the form shows
    Item.objects.filter(method__code="danh-gia-ho-so", code="attitude").update(
        text="Thái độ phục vụ của công chức"
    )
    assert dict(Evaluation.criteria())["attitude"] == "Thái độ phục vụ của công chức"


def answers(points=2, satisfaction=5):
    return {
        **{key: str(points) for key in CRITERIA},
        "satisfaction": str(satisfaction),
        "comment": "Cán bộ nhiệt tình",
    }


def test_applicant_rates_once_via_code_and_last4(
    client, returned, django_capture_on_commit_callbacks
):
    client.post(reverse("portal:lookup"), {"code": returned.code, "id_last4": "2345"})
    heard = []
    dossier_changed.connect(
        lambda sender, **kw: heard.append(kw["action"]), weak=False, dispatch_uid="test-eval"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("portal:evaluate", args=[returned.code]), answers(points=2, satisfaction=4)
            )
    finally:
        dossier_changed.disconnect(dispatch_uid="test-eval")
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(dossier=returned)
    assert (
        evaluation.satisfaction == 4
        and evaluation.total_points == 18
        and evaluation.channel == "PORTAL"
    )
    returned.refresh_from_db()
    assert returned.rating == 4 and "evaluate" in heard
    assert PortalActivity.objects.filter(dossier=returned, action="evaluate").exists()
    second = client.post(
        reverse("portal:evaluate", args=[returned.code]), answers(points=0, satisfaction=1)
    )
    assert second.status_code == 400
    assert "4/5" in second.content.decode()  # a clear message that it was already rated
    # in the words the applicant chose it by, not a bare number (portal walk)
    assert "“Hài lòng” (4/5" in second.content.decode()
    assert Evaluation.objects.get(dossier=returned).satisfaction == 4
    status = client.get(reverse("portal:dossier", args=[returned.code])).content.decode()
    assert "Ông/Bà đã đánh giá “Hài lòng” (4/5)" in status


def test_incomplete_answers_keep_what_was_chosen(client, citizen, returned):
    client.force_login(citizen)
    partial = answers()
    del partial["attitude"]
    response = client.post(reverse("portal:evaluate", args=[returned.code]), partial)
    assert response.status_code == 400 and not Evaluation.objects.exists()
    html = response.content.decode()
    assert 'value="5" required id="id_satisfaction_0" checked' in html or "checked" in html
    assert "Cán bộ nhiệt tình" in html


def test_not_before_the_result_is_returned(cast, citizen):
    d = dossier_services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        actor=citizen,
        applicant=dossier_services.Applicant(name="Dân", id_last4="2345", account=citizen),
    )
    with pytest.raises(TransitionNotAllowed):
        services.evaluate(d, actor=citizen, scores={k: 2 for k in CRITERIA}, satisfaction=5)


def test_scores_are_validated(returned, citizen):
    with pytest.raises(ValidationFailed):
        services.evaluate(returned, actor=citizen, scores={k: 3 for k in CRITERIA}, satisfaction=5)
    with pytest.raises(ValidationFailed):
        services.evaluate(returned, actor=citizen, scores={k: 2 for k in CRITERIA}, satisfaction=6)


def test_counter_kiosk_only_on_a_registered_device(client, cast, returned):
    url = reverse("portal:kiosk_evaluate", args=[returned.code])
    # a member of staff who can see the dossier, on an unregistered browser: refused
    client.force_login(cast.clerk_a)
    assert client.get(url).status_code == 403
    assert client.post(url, answers()).status_code == 403
    assert not Evaluation.objects.filter(dossier=returned).exists()
    # the clerk registers this browser as the kiosk of their agency
    assert client.post(reverse("portal:kiosk_register"), {"agency": "nope"}).status_code == 302
    assert "cchc_kiosk" not in client.cookies
    response = client.post(reverse("portal:kiosk_register"), {"agency": cast.agency_a.code})
    assert response.status_code == 302 and client.cookies["cchc_kiosk"].value
    assert response["Location"] == reverse("portal:kiosk_start")
    assert PortalActivity.objects.filter(action="kiosk_registered").exists()
    client.logout()  # the kiosk itself needs no signed-in user...
    client.cookies["cchc_kiosk"] = response.cookies["cchc_kiosk"].value
    assert client.get(reverse("portal:kiosk_start")).status_code == 200
    # the code alone opens nothing: the citizen proves it as on the public look-up
    unproven = client.get(url)
    assert unproven.status_code == 302 and unproven["Location"].startswith(
        reverse("portal:kiosk_start")
    )
    typed = client.post(
        reverse("portal:kiosk_start"), {"code": returned.code.lower(), "id_last4": "2345"}
    )
    assert typed.status_code == 302 and typed["Location"] == url
    assert client.get(url).status_code == 200
    assert client.post(url, answers(points=1, satisfaction=3)).status_code == 302
    evaluation = Evaluation.objects.get(dossier=returned)
    assert evaluation.channel == "KIOSK" and evaluation.total_points == 9
    activity = PortalActivity.objects.get(action="evaluate")
    assert activity.actor is None and cast.clerk_a.username in activity.actor_label
    # rated: the proof is spent; proven again, the dossier cannot be rated twice
    assert client.post(url, answers()).status_code == 302
    client.post(reverse("portal:kiosk_start"), {"code": returned.code, "id_last4": "2345"})
    assert client.post(url, answers()).status_code == 400
    # ...but an inspector is refused even on a kiosk
    client.force_login(cast.inspector)
    client.cookies["cchc_kiosk"] = response.cookies["cchc_kiosk"].value
    assert client.get(url).status_code == 404


def test_kiosk_registration_is_limited_and_lapses(client, cast, returned):
    url = reverse("portal:kiosk_evaluate", args=[returned.code])
    for user in (cast.inspector, cast.specialist_a, cast.leader_a, cast.citizen):
        client.force_login(user)
        assert client.get(reverse("portal:kiosk_register")).status_code == 404
    client.force_login(cast.clerk_b)  # a kiosk of another agency
    other = client.post(reverse("portal:kiosk_register"), {"agency": cast.agency_b.code})
    client.logout()
    client.cookies["cchc_kiosk"] = other.cookies["cchc_kiosk"].value
    # another agency's dossier: the right digits open nothing there
    proof = {"code": returned.code, "id_last4": "2345"}
    assert client.post(reverse("portal:kiosk_start"), proof).status_code == 400
    assert client.get(url).status_code == 302
    client.cookies["cchc_kiosk"] = "forged"
    assert client.get(url).status_code == 403
    assert client.get(reverse("portal:kiosk_start")).status_code == 403
    client.force_login(cast.clerk_a)
    mine = client.post(reverse("portal:kiosk_register"), {"agency": cast.agency_a.code})
    client.logout()
    client.cookies["cchc_kiosk"] = mine.cookies["cchc_kiosk"].value
    assert client.post(reverse("portal:kiosk_start"), proof)["Location"] == url
    assert client.get(url).status_code == 200
    cast.clerk_a.memberships.all().delete()  # the clerk leaves the counter
    assert client.get(url).status_code == 403
