"""The seeded method sipas-2023 and its rules as data."""

import pytest

from cchc.surveys.methods import MethodSpec, condition_met
from cchc.surveys.models import Item, Method, Questionnaire

pytestmark = pytest.mark.django_db


def test_sipas_2023_is_seeded_with_its_structure():
    method = Method.objects.get(code="sipas-2023")
    spec = MethodSpec.load(method)
    assert [f["code"] for f in method.structure] == ["POLICY", "SERVICE"]
    components = [c["code"] for f in method.structure for c in f["components"]]
    assert components == ["P1", "P2", "P3", "P4", "A", "B", "C", "D", "E"]
    assert len(spec.scored_codes) == 39
    policy = [c for c in spec.scored_codes if spec.items[c].field == "POLICY"]
    assert len(policy) == 23
    assert spec.scored_codes[:2] == ["P1.1", "P1.2"] and "P4.10" in policy
    assert [c for c in spec.scored_codes if spec.items[c].component == "B"] == [
        "B1",
        "B2",
        "B3",
        "B4",
    ]
    assert method.items.filter(kind=Item.Kind.EXPECTATION).count() == 10
    assert method.items.filter(kind=Item.Kind.PERCEPTION).exists()
    b2 = spec.items["B2"]
    assert b2.text == "Công chức yêu cầu nộp hồ sơ đúng quy định"
    assert b2.options[0] == [1, "Rất không hài lòng"] and b2.options[4] == [5, "Rất hài lòng"]
    assert spec.items["Q2"].type == Item.Type.MULTIPLE
    assert spec.items["R.age"].type == Item.Type.NUMBER
    assert method.rule("min_valid_ranked") == 30 and method.rule("margin") == 0.05
    # the tree: index -> 2 fields -> 9 components -> 39 items
    tree = spec.tree
    assert [f.code for f in tree.children] == ["POLICY", "SERVICE"]
    assert sum(1 for _ in tree.leaves()) == 39
    q = Questionnaire.objects.get(code="sipas-2023-xa")
    assert q.is_published
    first = q.sections.order_by("-screening", "order").first()
    assert first is not None and first.screening


def test_answer_validity_and_questionnaire_validity():
    spec = MethodSpec.load(Method.objects.get(code="sipas-2023"))
    assert spec.is_valid_answer(5) and spec.is_valid_answer(1) and spec.is_valid_answer(4.0)
    for missing in (None, "", 0, 9, 6, "5", True, 2.5):
        assert not spec.is_valid_answer(missing)
    codes = spec.scored_codes
    nineteen = {c: 4 for c in codes[:19]} | {c: 9 for c in codes[19:]}
    twenty = {c: 4 for c in codes[:20]}
    assert spec.count_valid(nineteen) == 19
    assert not spec.is_valid_questionnaire(nineteen)  # 19 < 39 / 2
    assert spec.is_valid_questionnaire(twenty)


def test_a_province_method_changes_rules_without_code():
    base = Method.objects.get(code="sipas-2023")
    strict = Method.objects.create(
        code="sipas-hn-2026",
        name="SIPAS Hà Nội 2026",
        rules={**base.rules, "min_valid_share": 0.9, "satisfied_answers": [5]},
        structure=base.structure,
    )
    for item in base.items.all():
        item.pk = None
        item.method = strict
        item.save()
    spec = MethodSpec.load(strict)
    codes = spec.scored_codes
    assert not spec.is_valid_questionnaire({c: 4 for c in codes[:30]})
    assert spec.is_valid_questionnaire({c: 4 for c in codes[:36]})
    assert spec.satisfied_answers == {5}


def test_conditions():
    assert condition_met({}, {})
    assert condition_met({"item": "Q8.3", "in": [1]}, {"Q8.3": 1})
    assert not condition_met({"item": "Q8.3", "in": [1]}, {"Q8.3": 2})
    assert not condition_met({"item": "Q8.3", "in": [1]}, {})
    assert condition_met({"item": "Q2", "in": [6]}, {"Q2": [1, 6]})


def test_score_vector_one_character_per_scored_item():
    spec = MethodSpec.load(Method.objects.get(code="sipas-2023"))
    text = spec.score_vector(
        {"P1.1": 5, "P1.2": 4.0, "P2.1": 9, "P2.2": "5", "P3.1": 2.5, "P3.2": 12}
    )
    assert len(text) == 39 and text[:6] == "549xxx" and set(text[6:]) == {"x"}
    assert spec.scored_fits
