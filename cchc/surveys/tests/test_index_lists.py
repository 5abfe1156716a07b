"""The surveys index's questionnaire list: a page at a time, searched by code or title typed
without accents, each list's search and page kept in the other's links."""

import re

from cchc.surveys import questionnaires
from cchc.surveys.models import Questionnaire
from cchc.surveys.views.campaigns import QUESTIONNAIRES_PAGE


def _make_many(cast, method, n):
    for i in range(n):
        questionnaires.create_questionnaire(
            method=method,
            code=f"pk-{i:03d}",
            title=f"Phiếu khảo sát số {i}",
            actor=cast.province_admin,
            province_code=cast.province_admin.province_code,
        )


def _listed(html):
    block = html.split('id="questionnaires"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"— (\S+) v\d+", block)


def test_questionnaires_are_paged_and_found_without_accents(cast, method, client):
    _make_many(cast, method, QUESTIONNAIRES_PAGE + 5)
    total = Questionnaire.objects.count()
    client.force_login(cast.province_admin)
    first = client.get("/surveys/").content.decode()
    assert len(_listed(first)) == QUESTIONNAIRES_PAGE
    second = client.get("/surveys/?qpage=2").content.decode()
    assert len(_listed(second)) == total - QUESTIONNAIRES_PAGE
    assert not set(_listed(first)) & set(_listed(second))
    # "khao sat so 12" typed without accents finds "Phiếu khảo sát số 12" (and only it)
    found = client.get("/surveys/?qq=khao+sat+so+12").content.decode()
    assert _listed(found) == ["pk-012"]
    # by code, upper case
    assert _listed(client.get("/surveys/?qq=PK-007").content.decode()) == ["pk-007"]
    nothing = client.get("/surveys/?qq=khong+co+dau").content.decode()
    assert _listed(nothing) == [] and "Không có phiếu hỏi nào khớp" in nothing


def test_paging_one_list_keeps_the_other_lists_search(cast, method, client):
    _make_many(cast, method, QUESTIONNAIRES_PAGE + 5)
    client.force_login(cast.province_admin)
    html = client.get("/surveys/?q=2026&qq=phieu").content.decode()
    next_link = re.search(r'<a href="([^"]+)#questionnaires-heading" rel="next"', html)
    assert next_link is not None
    link = next_link.group(1).replace("&amp;", "&")
    assert "q=2026" in link and "qq=phieu" in link and "qpage=2" in link
    # the questionnaire search form keeps the campaign search; the campaign form keeps qq
    qform = html.split('id="questionnaire-search"', 1)[1].split("</form>", 1)[0]
    assert 'name="q" value="2026"' in qform
    cform = html.split('id="campaign-search"', 1)[1].split("</form>", 1)[0]
    assert 'name="qq" value="phieu"' in cform
