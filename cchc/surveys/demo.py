"""Two finished, published SIPAS campaigns (last year's and this year's) for `make demo`, so the survey dashboards show
something true on first start: samples drawn from the demo's completed dossiers, answers
given through the collection services in every mode (the sampled people on their invitation
links first, then enumerators' interviews and desk forms; each unit with its own level of
satisfaction and some "don't know" and invalid forms), results published."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.conf import settings

from cchc.core.actors import SYSTEM
from cchc.surveys import campaign_settings, collection, services
from cchc.surveys.models import Campaign, Mode, Questionnaire

CODE = "SIPAS-DEMO-2026"
# modes an enumerator enters (paper by post is keyed twice; see collection.key_paper_form)
MODES = [Mode.INTERVIEW, Mode.PHONE, Mode.INTERVIEW, Mode.KIOSK, Mode.PHONE, Mode.PAPER_DESK]


def open_year_campaign(
    *,
    code: str,
    name: str,
    province_code: str,
    year: int,
    agencies: list[Any],
    questionnaire: Questionnaire | None = None,
    actor: Any = SYSTEM,
    target_index: Any = None,
) -> Campaign:
    """An open campaign over one calendar year, in every mode of collection, of the
    questionnaire (by default the 2023 commune one) created by `actor` (the demo's, the survey
    benchmark's and the survey tests')."""
    if questionnaire is None:
        questionnaire = Questionnaire.objects.get(code="sipas-2023-xa", version=1)
    campaign = services.create_campaign(
        code=code,
        name=name,
        questionnaire=questionnaire,
        province_code=province_code,
        period=str(year),
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        agencies=agencies,
        actor=actor,
        target_index=target_index,
    )
    return services.open_campaign(campaign, actor=actor)


def satisfaction_codes(questionnaire: Questionnaire) -> list[str]:
    """The codes of the questionnaire's method's satisfaction items (the scored answers)."""
    return list(
        questionnaire.method.items.filter(kind="satisfaction").values_list("code", flat=True)
    )


def seed_demo_campaign(out: Any = None, *, units: int = 12, per_unit: int = 40) -> Campaign | None:
    """This year's published campaign, after last year's (`seed_last_year`), so the ranking,
    a unit's page and the workbook compare the two years."""
    from cchc.agencies.models import Agency

    if Campaign.objects.filter(code=CODE).exists():
        return None
    province = settings.CCHC_PROVINCE_CODE
    agencies = list(Agency.objects.filter(province_code=province).order_by("code")[:units])
    if not agencies:
        return None
    year = dt.date.today().year  # noqa: DTZ011 - the demo's own calendar year
    seed_last_year(agencies, year=year - 1, per_unit=max(per_unit * 3 // 4, 1), out=out)
    campaign = open_year_campaign(
        code=CODE,
        name=f"Khảo sát sự hài lòng SIPAS năm {year} (dữ liệu mẫu)",
        province_code=province,
        year=year,
        agencies=agencies,
        target_index=Decimal(86),  # Hà Nội's own target (domain.md §6)
    )
    rng = random.Random(2026)  # noqa: S311 - demo data
    scored = satisfaction_codes(campaign.questionnaire)
    for agency in agencies:
        sample = services.draw_sample(
            campaign, agency=agency, actor=SYSTEM, seed=f"demo-{agency.code}"
        )
        # the unit's whole-unit target, which every valid questionnaire counts toward
        campaign_settings.set_quota(campaign, agency=agency, target=per_unit, actor=SYSTEM)
        # by post first (the sampled people answer on their letter's link, so their strata's
        # quotas fill), topped up at the desk and by phone (domain.md §6)
        invited = list(sample.people.filter(reserve=False).order_by("position")[: per_unit // 2])
        level = rng.uniform(0.62, 0.95)  # the unit's share of satisfied answers
        _answer(campaign, agency, scored, rng, level=level, count=per_unit, invited=invited)
    campaign = services.close_campaign(campaign, actor=SYSTEM)
    campaign = services.publish_results(campaign, actor=SYSTEM)
    if out is not None:
        out.write(f"Survey campaign {CODE}: {campaign.responses.count()} responses, published")
    return campaign


def seed_last_year(
    agencies: list[Any], *, year: int, per_unit: int, out: Any = None
) -> Campaign | None:
    """Last year's published campaign over the same units, so this year's figures have
    something to be compared with (the change column, a unit's change, the workbook's
    last-year column). Smaller and cheaper than this year's: no sample is drawn (the demo's
    dossiers are this year's), the enumerators enter every form; each unit's level of
    satisfaction a little below or above this year's."""
    code = f"SIPAS-DEMO-{year}"
    if Campaign.objects.filter(code=code).exists():
        return None
    campaign = open_year_campaign(
        code=code,
        name=f"Khảo sát sự hài lòng SIPAS năm {year} (dữ liệu mẫu)",
        province_code=settings.CCHC_PROVINCE_CODE,
        year=year,
        agencies=agencies,
        target_index=Decimal(86),
    )
    rng = random.Random(year)  # noqa: S311 - demo data
    scored = satisfaction_codes(campaign.questionnaire)
    for agency in agencies:
        campaign_settings.set_quota(campaign, agency=agency, target=per_unit, actor=SYSTEM)
        level = rng.uniform(0.58, 0.92)
        _answer(campaign, agency, scored, rng, level=level, count=per_unit, invited=[])
    campaign = services.close_campaign(campaign, actor=SYSTEM)
    campaign = services.publish_results(campaign, actor=SYSTEM)
    if out is not None:
        out.write(f"Survey campaign {code}: {campaign.responses.count()} responses, published")
    return campaign


def _answer(
    campaign: Campaign,
    agency: Any,
    scored: list[str],
    rng: random.Random,
    *,
    level: float,
    count: int,
    invited: list[Any],
) -> None:
    """`count` questionnaires of the unit: the invited people's on their links first, then
    enumerators' entries; `level` is the unit's share of satisfied answers, with some
    "don't know" and a few forms left mostly blank (invalid)."""
    for n in range(count):
        answers: dict[str, Any] = {}
        broken = rng.random() < 0.04  # a form with most items left blank: invalid
        for code in scored:
            if broken and rng.random() < 0.8:
                continue
            if rng.random() < 0.03:
                answers[code] = 9  # "don't know"
            elif rng.random() < level:
                answers[code] = rng.choice((4, 4, 5))
            else:
                answers[code] = rng.choice((1, 2, 3, 3))
        answers["R.gender"] = rng.choice((1, 2))
        answers["R.age"] = rng.randint(18, 80)
        try:
            if n < len(invited):
                collection.submit_personal(invited[n].token, answers=answers)
            else:
                collection.enter_response(
                    campaign,
                    agency=agency,
                    mode=MODES[n % len(MODES)],
                    answers=answers,
                    actor=SYSTEM,
                )
        except collection.QuotaFull:
            break
