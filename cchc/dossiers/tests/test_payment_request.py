from __future__ import annotations

import re

from cchc.dossiers.models import Dossier, Status
from cchc.dossiers.tests.factories import counter_dossier


def _amount_input(page: str) -> str:
    match = re.search(r'<input[^>]*name="request_payment-amount"[^>]*>', page)
    assert match, "the payment request form is on the page"
    return match.group(0)


def test_payment_request_offers_the_fees_recorded_at_reception(client, cast):
    """The specialist asking for the fees found an empty amount: the fee recorded at the
    counter had to be looked up on the dossier's details and typed again."""
    dossier = counter_dossier(cast, fee_amount=1_500_000)
    client.force_login(cast.specialist_a)
    page = client.get(f"/staff/dossiers/{dossier.code}/").content.decode()
    assert 'value="1500000"' in _amount_input(page)
    assert "1.500.000 đồng" in page
    # sent as offered, the request asks for that amount
    resp = client.post(
        f"/staff/dossiers/{dossier.code}/actions/request_payment/",
        {"request_payment-amount": "1500000", "form_key": "k1"},
    )
    assert resp.status_code == 302
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.FINANCIAL and dossier.fee_amount == 1_500_000


def test_payment_request_of_a_free_dossier_leaves_the_amount_to_type(client, cast):
    dossier = counter_dossier(cast, fee_amount=0)
    client.force_login(cast.specialist_a)
    page = client.get(f"/staff/dossiers/{dossier.code}/").content.decode()
    assert "value=" not in _amount_input(page)


def test_confirming_the_payment_shows_the_amount_asked_for(client, cast):
    """The clerk confirming the payment was not shown the amount asked for: it sat in the
    dossier's details above, to be found and compared with the receipt."""
    from cchc.dossiers import services

    dossier = counter_dossier(cast, fee_amount=0)
    dossier = services.transfer(dossier, actor=cast.clerk_a, to_agency=cast.agency_a)
    services.request_payment(dossier, actor=cast.specialist_a, amount=250_000)
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{dossier.code}/").content.decode()
    form = page[page.index(f"/staff/dossiers/{dossier.code}/actions/confirm_payment/") :]
    form = form[: form.index("</form>")]
    assert "số tiền đã yêu cầu nộp: 250.000 đồng" in form
