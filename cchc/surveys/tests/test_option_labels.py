"""A respondent reads each answer once: an option whose code is its own wording (the
ethnicity's "Kinh", "Khác (ghi rõ)") was printed code then wording, "Kinh Kinh"; numbered
options keep their number before the wording ("1 Nam")."""

import re

from cchc.surveys.tests.test_collection import drawn


def test_an_option_named_by_its_wording_is_printed_once(cast, campaign, client):
    person = drawn(cast, campaign).people.first()
    page = client.get(f"/surveys/r/{person.token}/").content.decode()

    def labels(code: str) -> list[str]:
        found = re.findall(
            rf'<label><input type="radio" name="a_{re.escape(code)}"[^>]*>([^<]*)</label>', page
        )
        return [" ".join(text.split()) for text in found]

    assert labels("R.ethnicity") == ["Kinh", "Khác (ghi rõ)"]
    assert labels("R.gender") == ["1 Nam", "2 Nữ"]
