"""Issue 16, point 8: the HTTP SMS gateway backend, against a local HTTP server."""

from __future__ import annotations

import base64

import pytest

from cchc.core import sms
from cchc.testing import FakeJsonApi


@pytest.fixture
def gateway(settings):
    gateway = FakeJsonApi()
    settings.SMS_BACKEND = "cchc.core.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = gateway.url("/api/send")
    settings.SMS_GATEWAY_USER = "cchc"
    settings.SMS_GATEWAY_PASSWORD = "bí-mật"  # noqa: S105 - a test credential
    settings.SMS_GATEWAY_TOKEN = ""
    settings.SMS_GATEWAY_SENDER = "UBND-HN"
    settings.SMS_GATEWAY_TEMPLATE = (
        '{"to": "$phone", "brandname": "$sender", "message": {"text": "$text"}, "type": 2}'
    )
    yield gateway
    gateway.close()


def test_message_is_posted_with_the_template_and_basic_credentials(gateway):
    text = 'Hồ sơ "G01-260302-0001" đã có kết quả.\nMang CCCD khi đến nhận.'
    sms.send_sms("0912345678", text)
    [(path, body, auth)] = gateway.received
    assert path == "/api/send"
    assert body == {
        "to": "0912345678",
        "brandname": "UBND-HN",
        "message": {"text": text},  # quotes and newline kept: filled after parsing
        "type": 2,
    }
    assert auth == "Basic " + base64.b64encode("cchc:bí-mật".encode()).decode()


def test_bearer_token_wins_over_basic(gateway, settings):
    settings.SMS_GATEWAY_TOKEN = "t0ken"  # noqa: S105 - a test credential
    sms.send_sms("0912345678", "Xin chào")
    assert gateway.received[0][2] == "Bearer t0ken"


def test_a_refusal_is_an_error_that_repeats_neither_number_nor_text(gateway):
    gateway.answers = [503]
    with pytest.raises(sms.SmsError) as caught:
        sms.send_sms("0912345678", "Mã xác thực 482913")
    message = str(caught.value)
    assert "503" in message
    assert "0912345678" not in message and "482913" not in message


def test_an_unreachable_gateway_is_an_error(gateway, settings):
    gateway.close()
    with pytest.raises(sms.SmsError, match="unreachable"):
        sms.send_sms("0912345678", "Xin chào")


def test_no_url_is_a_clear_configuration_error(settings):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(sms.SmsError, match="SMS_GATEWAY_URL"):
        sms.HttpSmsBackend()
