"""A questionnaire's log: every change Home Affairs makes to what respondents are asked leaves
a row of QuestionnaireEvent with who, when and what changed (the question or section added or
removed, the old and new status, the version a copy came from), in consecutive sequence; a
refused change leaves none. The builder page shows the log to Home Affairs and inspectors,
and to nobody else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils.dateparse import parse_datetime

from cchc.core.actors import SYSTEM
from cchc.core.chains import verify
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.events import CHAINED, row_hash
from cchc.surveys import questionnaires
from cchc.surveys.models import Item, Question, Questionnaire, QuestionnaireEvent

# the acting Home Affairs department's province (the cast's)
HA: dict[str, Any] = {"province_code": "01"}


def _log(questionnaire):  # type: ignore[no-untyped-def]
    return list(QuestionnaireEvent.objects.filter(questionnaire=questionnaire).order_by("seq"))


@pytest.mark.django_db
def test_every_change_to_a_questionnaire_is_logged_with_its_actor_and_values(cast, method):
    admin = cast.province_admin
    q = questionnaires.create_questionnaire(
        method=method, code="KS-RIENG", title="Phiếu riêng", actor=admin, **HA
    )
    section = questionnaires.add_section(
        q,
        title="Sàng lọc",
        screening=True,
        condition={"item": "Q8.3", "in": [1]},
        actor=admin,
        **HA,
    )
    first = questionnaires.add_question(
        section, item=method.items.get(code="P1.1"), required=True, actor=admin, **HA
    )
    questionnaires.add_question(section, item=method.items.get(code="P1.2"), actor=admin, **HA)
    questionnaires.add_own_question(
        section,
        code="R9",
        type=Item.Type.RANKING,
        text="Xếp hạng các kênh",
        options=[[1, "Trực tuyến"], [2, "Tại quầy"]],
        actor=admin,
        **HA,
    )
    questionnaires.remove_question(first, actor=admin, **HA)
    questionnaires.publish_questionnaire(q, actor=SYSTEM, **HA)

    log = _log(q)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert [e.action for e in log] == [
        "create",
        "add_section",
        "add_question",
        "add_question",
        "add_own_question",
        "remove_question",
        "publish",
    ]
    create, added_section, added, _second, own, removed, published = log
    assert all(e.actor == admin and e.actor_label == admin.display_name for e in log[:-1])
    assert published.actor is None and published.actor_label == str(SYSTEM.label)
    assert create.data == {
        "method": method.code,
        "code": "KS-RIENG",
        "version": 1,
        "title": "Phiếu riêng",
        "introduction": "",
    }
    assert added_section.data == {
        "title": "Sàng lọc",
        "order": 1,
        "screening": True,
        "condition": {"item": "Q8.3", "in": [1]},
    }
    p11 = method.items.get(code="P1.1")
    assert added.item_code == "P1.1" and added.data == {
        "code": "P1.1",
        "text": p11.text,
        "section": "Sàng lọc",
        "order": 1,
        "required": True,
        "condition": {},
    }
    assert own.item_code == "R9" and own.data["text"] == "Xếp hạng các kênh"
    assert own.data["type"] == "ranking" and own.data["options"] == [
        [1, "Trực tuyến"],
        [2, "Tại quầy"],
    ]
    # the question removed is named with what it asked, as it was when removed
    assert removed.item_code == "P1.1" and removed.data == added.data
    q.refresh_from_db()
    assert published.data["status"] == ["DRAFT", "PUBLISHED"]
    assert published.data["published_at"][0] is None
    assert parse_datetime(published.data["published_at"][1]) == q.published_at
    assert published.data["questions"] == 2 and published.data["sections"] == 1
    status = Questionnaire.Status
    assert published.details() == f"{status.DRAFT.label} → {status.PUBLISHED.label}"
    # the rows chain, the item code with them: nothing stored breaks the chain, and a row
    # whose item code were changed behind the application's back would no longer verify
    assert list(verify(QuestionnaireEvent)) == [QuestionnaireEvent.objects.count()]
    row = {name: getattr(removed, name) for name in ("questionnaire_id", *CHAINED, "item_code")}
    assert row_hash(QuestionnaireEvent, own.hash, row) == removed.hash
    assert row_hash(QuestionnaireEvent, own.hash, row | {"item_code": "P1.2"}) != removed.hash


@pytest.mark.django_db
def test_a_new_version_logs_on_the_copy_the_version_it_came_from(cast, questionnaire):
    admin = cast.province_admin
    before = _log(questionnaire)  # the seeded questionnaire's first row (surveys.0011)
    copy = questionnaires.new_version(questionnaire, actor=admin, **HA)
    questionnaires.add_section(copy, title="Góp ý", actor=admin, **HA)
    assert _log(questionnaire) == before  # the version copied is not changed
    made, section = _log(copy)
    assert (made.seq, made.action, made.actor) == (1, "new_version", admin)
    assert made.data == {
        "from": questionnaire.pk,
        "from_version": 1,
        "version": 2,
        "sections": questionnaire.sections.count(),
        "questions": sum(s.questions.count() for s in questionnaire.sections.all()),
    }
    assert "từ phiên bản 1" in made.details()
    assert (section.seq, section.action) == (2, "add_section")


@pytest.mark.django_db
def test_a_refused_change_logs_nothing(cast, method, questionnaire):
    admin = cast.province_admin
    draft = questionnaires.new_version(questionnaire, actor=admin, **HA)
    question = Question.objects.filter(section__questionnaire=draft).select_related("section")[0]
    section = question.section
    before = QuestionnaireEvent.objects.count()
    refused = [
        # not Home Affairs
        (
            NotPermitted,
            lambda: questionnaires.add_section(draft, title="x", actor=cast.leader_a, **HA),
        ),
        (
            NotPermitted,
            lambda: questionnaires.remove_question(question, actor=cast.inspector, **HA),
        ),
        (
            NotPermitted,
            lambda: questionnaires.create_questionnaire(
                method=method, code="KS-X", title="x", actor=cast.clerk_a, **HA
            ),
        ),
        # not valid
        (
            ValidationFailed,
            lambda: questionnaires.add_question(section, item=question.item, actor=admin, **HA),
        ),
        (
            ValidationFailed,
            lambda: questionnaires.add_own_question(
                section, code="P1.1", type="short_text", text="x", actor=admin, **HA
            ),
        ),
        (
            ValidationFailed,
            lambda: questionnaires.create_questionnaire(
                method=method, code=questionnaire.code, title="x", actor=admin, **HA
            ),
        ),
        # a published version is never changed
        (
            TransitionNotAllowed,
            lambda: questionnaires.add_section(questionnaire, title="x", actor=admin, **HA),
        ),
        (
            TransitionNotAllowed,
            lambda: questionnaires.publish_questionnaire(questionnaire, actor=admin, **HA),
        ),
    ]
    for error, call in refused:
        with pytest.raises(error):
            call()
    empty = questionnaires.create_questionnaire(
        method=method, code="KS-TRONG", title="Trống", actor=admin, **HA
    )
    with pytest.raises(ValidationFailed):  # nothing to publish
        questionnaires.publish_questionnaire(empty, actor=admin, **HA)
    assert QuestionnaireEvent.objects.count() == before + 1  # the empty one's creation only
    assert [e.action for e in _log(empty)] == ["create"]
    assert not Questionnaire.objects.filter(code="KS-X").exists()


def _log_table(page: str) -> str:
    found = re.search(r'<table class="compact" id="questionnaire-log">.*?</table>', page, re.S)
    assert found, "no log on the page"
    return found.group(0)


@pytest.mark.django_db
def test_the_builder_shows_the_log_to_home_affairs_and_inspectors_only(client, cast, questionnaire):
    admin = cast.province_admin
    copy = questionnaires.new_version(questionnaire, actor=admin, **HA)
    questionnaires.add_section(copy, title="Góp ý thêm", actor=admin, **HA)
    url = f"/surveys/q/{copy.pk}/"
    for user in (admin, cast.inspector):
        client.force_login(user)
        assert url in client.get("/surveys/").content.decode(), user  # listed, to be found
        response = client.get(url)
        assert response.status_code == 200, user
        table = _log_table(response.content.decode())
        assert table.count('<th scope="col">') == 5
        # newest first, with the Vietnamese names of the actions
        assert table.index("Thêm phần") < table.index("Tạo phiên bản mới"), user
        assert admin.display_name in table and "Góp ý thêm" in table
    # an inspector reads the page, never its forms
    page = client.get(url).content.decode()
    assert 'id="add-section"' not in page and 'value="publish"' not in page
    assert client.post(url, {"action": "section", "title": "Thanh tra"}).status_code == 403
    assert [e.action for e in _log(copy)] == ["new_version", "add_section"]
    for user in (cast.leader_a, cast.specialist_a, cast.clerk_a, cast.citizen):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403, user
        assert "questionnaire-log" not in response.content.decode()
        if user != cast.citizen:
            assert url not in client.get("/surveys/").content.decode(), user


@pytest.mark.django_db
def test_the_builder_shows_the_newest_200_rows(client, cast, questionnaire):
    copy = questionnaires.new_version(questionnaire, actor=cast.province_admin, **HA)
    for n in range(1, 206):
        questionnaires.log_questionnaire(
            copy, "add_section", actor=SYSTEM, data={"title": f"P-{n}"}
        )
    client.force_login(cast.province_admin)
    table = _log_table(client.get(f"/surveys/q/{copy.pk}/").content.decode())
    shown = re.findall(r"P-(\d+)</td>", table)
    assert [int(n) for n in shown] == list(range(205, 5, -1))  # rows 7..206 of 206
    assert "Tạo phiên bản mới" not in table


@pytest.mark.django_db
def test_the_questionnaire_seeded_with_the_platform_has_its_first_row():
    """surveys.0011: the default questionnaire seeded before the log existed starts its
    history with where it came from, chained like every other row."""
    seeded = Questionnaire.objects.get(code="sipas-2023-xa")
    first = seeded.events.order_by("seq").first()
    assert first is not None
    assert (first.seq, first.action, first.actor_label) == (1, "create", "Dữ liệu gốc của nền tảng")
    assert first.data["code"] == "sipas-2023-xa" and first.data["method"] == seeded.method.code
    assert [r for r in verify(QuestionnaireEvent) if not isinstance(r, int)] == []
