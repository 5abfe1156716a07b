"""The SMS log (the demo's LogSmsBackend, var/workers.log) keeps what support needs to read
a message (the appointment's date and time, the dossier code, the link) and hides what is
personal data or a credential: the phone number, ID numbers and digits, one-time codes,
set-password links."""

from __future__ import annotations

import logging

from cchc.core.sms import LogSmsBackend, redact

PHONE = "0912345678"


def test_dates_times_ports_and_dossier_codes_stay_readable():
    """The QA walk read "Hẹn trả kết quả: 09:37 07/12/****" and "127.0.0.1:****/lookup/"."""
    text = (
        "Hồ sơ 000.01.00.H26-261203-0004 đã được tiếp nhận. Hẹn trả kết quả: 09:37 07/12/2026 "
        "(2026-12-07). Theo dõi tại http://127.0.0.1:8000/lookup/?code=000.01.00.H26-261203-0004"
    )
    masked_phone, masked_text = redact(PHONE, text)
    assert masked_text == text
    assert masked_phone == "***678"


def test_phone_id_numbers_codes_and_links_are_hidden(caplog):
    text = (
        f"Mã xác thực CCHC của bạn là 482913. Gọi {PHONE} hoặc +84987654321. "
        "CCCD 001090012345, 4 số cuối 2345. "
        "Đặt mật khẩu tại http://127.0.0.1:8000/password/reset/MTI/cbx9ss-1f2e3d4c5b6a7988/ "
        "(60 phút), hẹn 08:00 07/12/2026"
    )
    with caplog.at_level(logging.INFO, logger="cchc.sms"):
        LogSmsBackend().send(PHONE, text)
    logged = caplog.text
    for secret in ("912345678", "987654321", "001090012345", "2345", "482913", "MTI", "cbx9ss"):
        assert secret not in logged
    assert "***678" in logged
    assert "/password/reset/***" in logged
    assert "127.0.0.1:8000" in logged and "08:00 07/12/2026" in logged and "(60 phút)" in logged
