import datetime as dt

import pytest

from cchc.surveys import services
from cchc.surveys.models import Method, Mode, Questionnaire


@pytest.fixture
def method(db):
    return Method.objects.get(code="sipas-2023")


@pytest.fixture
def questionnaire(method):
    return Questionnaire.objects.get(code="sipas-2023-xa", version=1)


@pytest.fixture
def campaign(cast, questionnaire):
    c = services.create_campaign(
        code="KS-2026",
        name="Khảo sát SIPAS 2026",
        questionnaire=questionnaire,
        province_code="01",
        period="2026",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 12, 31),
        agencies=[cast.agency_a, cast.agency_b],
        actor=cast.province_admin,
        modes=[m.value for m in Mode],
    )
    return services.open_campaign(c, actor=cast.province_admin)


def all_items(method, value, **overrides):
    answers = {i.code: value for i in method.items.filter(kind="satisfaction")}
    answers.update(overrides)
    return answers
