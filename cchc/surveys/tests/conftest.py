import datetime as dt

import pytest

from cchc.surveys import collection, questionnaires, services
from cchc.surveys.demo import open_year_campaign
from cchc.surveys.models import Method, Mode, Questionnaire


def ensure_seeded():
    """Transactional tests elsewhere flush every table, data-migration rows included: put the
    seeded method back when it is missing."""
    import importlib

    from django.apps import apps

    from cchc.core.models import RuleVersion

    if not RuleVersion.objects.exists():
        importlib.import_module("cchc.core.migrations.0002_seed_rules").seed(apps, None)
    if not Method.objects.filter(code="sipas-2023").exists():
        importlib.import_module("cchc.surveys.migrations.0002_seed_sipas_2023").seed(apps, None)
        # the seeded questionnaire's first history row (test_questionnaire_log reads it)
        importlib.import_module(
            "cchc.surveys.migrations.0011_seeded_questionnaire_history"
        ).forward(apps, None)
    if not Method.objects.filter(code="danh-gia-ho-so").exists():
        importlib.import_module("cchc.surveys.migrations.0003_seed_dossier_evaluation").seed(
            apps, None
        )
    if Method.objects.filter(family="").exists():
        importlib.import_module("cchc.surveys.migrations.0007_method_effective_date").seed(
            apps, None
        )


@pytest.fixture(autouse=True)
def _sipas_seeded(request):
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    elif "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    ensure_seeded()


@pytest.fixture
def method(db):
    return Method.objects.get(code="sipas-2023")


@pytest.fixture
def questionnaire(method):
    return Questionnaire.objects.get(code="sipas-2023-xa", version=1)


@pytest.fixture
def draft_with_follow_up(cast, questionnaire, method):
    """A new draft version of the questionnaire with a section "Riêng" shown only when
    Q8.3 = 1, holding a required short-text follow-up X.1 (the item bank is shared: nothing
    moves, the item is added)."""
    draft = questionnaires.new_version(questionnaire, actor=cast.province_admin, province_code="01")
    section = questionnaires.add_section(
        draft,
        title="Riêng",
        actor=cast.province_admin,
        province_code="01",
        condition={"item": "Q8.3", "in": [1]},
    )
    other = method.items.create(
        code="X.1", kind="other", type="short_text", text="Góp ý thêm", order=999
    )
    questionnaires.add_question(
        section, item=other, required=True, actor=cast.province_admin, province_code="01"
    )
    return draft


def open_campaign(questionnaire, agencies, *, actor, code, name, year=2026):
    """A campaign of the questionnaire over one calendar year, in every mode of collection,
    opened by `actor` (Home Affairs) in province 01."""
    return open_year_campaign(
        code=code,
        name=name,
        province_code="01",
        year=year,
        agencies=agencies,
        questionnaire=questionnaire,
        actor=actor,
    )


def new_campaign_form(cast, questionnaire, **over):  # type: ignore[no-untyped-def]
    """What Home Affairs type in the new-campaign form: SIPAS 2026 for units A and B, online
    and at the desk, anonymous, from January to September."""
    return {
        "name": "Khảo sát SIPAS 2026",
        "code": "SIPAS-2026",
        "questionnaire": questionnaire.pk,
        "period": "2026",
        "date_from": "2026-01-01",
        "date_to": "2026-09-30",
        "modes": ["online", "paper_desk"],
        "anonymous": "on",
        "agencies": [cast.agency_a.pk, cast.agency_b.pk],
        **over,
    }


def draft_campaign(cast, questionnaire, **over):  # type: ignore[no-untyped-def]
    """A campaign of 2026 as Home Affairs create it (not opened): for unit A, from 1 January
    to 31 March, in every mode unless `over` says otherwise."""
    fields = {
        "code": "KS-NHAP",
        "name": "Khảo sát SIPAS 2026",
        "questionnaire": questionnaire,
        "province_code": "01",
        "period": "2026",
        "date_from": dt.date(2026, 1, 1),
        "date_to": dt.date(2026, 3, 31),
        "agencies": [cast.agency_a],
        "actor": cast.province_admin,
        **over,
    }
    return services.create_campaign(**fields)


@pytest.fixture
def campaign(cast, questionnaire):
    return open_campaign(
        questionnaire,
        [cast.agency_a, cast.agency_b],
        actor=cast.province_admin,
        code="KS-2026",
        name="Khảo sát SIPAS 2026",
    )


def all_items(method, value, **overrides):
    answers = {i.code: value for i in method.items.filter(kind="satisfaction")}
    answers.update(overrides)
    return answers


def enter_phone_responses(campaign, method, values, *, agency, actor, **fields):
    """One phone questionnaire per value of `values`, every scored item answered with that
    value, entered at `agency` by `actor` (`fields`: more of enter_response's arguments)."""
    for value in values:
        collection.enter_response(
            campaign,
            agency=agency,
            mode=Mode.PHONE,
            answers=all_items(method, value),
            actor=actor,
            **fields,
        )


def results_with_a_desk_bias(cast, campaign, method, client):  # type: ignore[no-untyped-def]
    """The campaign's results page, as Home Affairs reads it, after one questionnaire at unit
    A's kiosk (all 5) and one by phone (all 1): a desk figure far above the independent one."""
    for mode, value in (("kiosk", 5), ("phone", 1)):
        collection.enter_response(
            campaign,
            agency=cast.agency_a,
            mode=mode,
            answers=all_items(method, value),
            actor=cast.clerk_a,
        )
    client.force_login(cast.province_admin)
    return client.get(f"/surveys/c/{campaign.code}/results/").content.decode()


def answer_all(page, value, within=""):
    """In a browser, check `value` in every visible radio group of the page (`within`: a
    selector the groups must be inside)."""
    for group in page.query_selector_all(f"{within} [role=radiogroup]".strip()):
        radio = group.query_selector(f"input[type=radio][value='{value}']")
        if radio and radio.is_visible():
            radio.check()


def form_right_edge(page):
    """In a browser, how far right (px) the respondent's form reaches: the right edge of its
    furthest element (no wider than the screen: nothing to scroll sideways)."""
    return page.evaluate(
        "Math.max(...[...document.querySelectorAll('.survey-form *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )


def publish_last_and_this_year(cast, campaign, method):  # type: ignore[no-untyped-def]
    """Last year's campaign (KS-2025) published with unit A all satisfied (5, 5, 5) and unit
    B not surveyed; then `campaign` published with A at 66.67 (5, 4, 1) and B at 100: the
    comparison with last year that the results pages and the workbook print."""
    last_year = open_campaign(
        campaign.questionnaire,
        [cast.agency_a, cast.agency_b],
        actor=cast.province_admin,
        code="KS-2025",
        name="Khảo sát SIPAS 2025",
        year=2025,
    )
    enter_phone_responses(last_year, method, (5, 5, 5), agency=cast.agency_a, actor=cast.clerk_a)
    services.close_campaign(last_year, actor=cast.province_admin)
    services.publish_results(last_year, actor=cast.province_admin)
    enter_phone_responses(campaign, method, (5, 4, 1), agency=cast.agency_a, actor=cast.clerk_a)
    enter_phone_responses(campaign, method, (5, 5, 5), agency=cast.agency_b, actor=cast.clerk_b)
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)


def publish_two_units(cast, campaign, method, *, minimum=None):  # type: ignore[no-untyped-def]
    """The campaign with a target of 86 %, three phone answers at each of two units (A
    satisfied, B not), closed and published; `minimum`: the method's fewest valid
    questionnaires to judge a unit (its own is 30)."""
    from decimal import Decimal

    from cchc.surveys.models import Campaign

    if minimum is not None:
        method.rules = {**method.rules, "min_valid_ranked": minimum}
        method.save(update_fields=["rules"])
    Campaign.objects.filter(pk=campaign.pk).update(target_index=Decimal(86))
    enter_phone_responses(campaign, method, [5, 5, 4], agency=cast.agency_a, actor=cast.clerk_a)
    enter_phone_responses(campaign, method, [5, 2, 1], agency=cast.agency_b, actor=cast.clerk_b)
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
