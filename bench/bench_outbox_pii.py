"""How long the data migrations that encrypt the rest of personal data take (issue 12 point 6):
`portal.0002` (the notification outbox's recipients and errors) on BENCH_NOTIFICATIONS rows,
`accounts.0004` (accounts' e-mail and phone, user names that were an address) on BENCH_USERS
rows, then a key rotation (`manage.py rotate_field_keys`) over all of them; with
BENCH_DOSSIERS > 0 also the dossiers' contact rewrite (`dossiers.0010`'s `reencrypt_rows`,
executemany since its change) on that many generated dossiers.

The two apps are migrated back to before the migrations, the rows are inserted in clear with
one INSERT ... SELECT generate_series each (the state of a production database before the
upgrade), and the real migrations are timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench_pii .venv/bin/python bench/bench_outbox_pii.py

Env: BENCH_NOTIFICATIONS (100,000), BENCH_USERS (20,000), BENCH_DOSSIERS (0), DATABASE_URL (a
PostgreSQL database whose name contains "bench"; dropped and created unless BENCH_KEEP=1).
Figures: bench/results/outbox_pii.json (or BENCH_RESULT.json).
"""

from __future__ import annotations

import os
import time

from common import ensure_dossiers, setup_database, write_result

NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", "100000"))
USERS = int(os.environ.get("BENCH_USERS", "20000"))
DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "0"))


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    fn()
    return round(time.monotonic() - t0, 2)


def _rate(rows: int, seconds: float) -> int:
    return round(rows / seconds) if seconds else 0


def main() -> None:
    setup_database(keep=os.environ.get("BENCH_KEEP") == "1")

    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from cchc.core import personal

    result: dict = {}
    if DOSSIERS:
        from cchc.dossiers.models import Dossier

        result["dossier_setup"] = ensure_dossiers(DOSSIERS)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE dossiers_dossier SET applicant_phone = '0912' || lpad((id %% 1000000)::text, 6, '0'),"
                " applicant_email = 'nguoi' || id || '@example.vn', applicant_address = %s",
                ["Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng, Hà Nội"],
            )
        written = [0]
        seconds = _timed(lambda: written.__setitem__(0, personal.reencrypt_rows(Dossier)))
        result["dossiers_0010_rewrite"] = {
            "rows": written[0],
            "seconds": seconds,
            "rows_per_second": _rate(written[0], seconds),
        }

    call_command("migrate", "portal", "0001", verbosity=0)
    call_command("migrate", "accounts", "0003", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO portal_notification (channel, recipient, subject, body, kind, status,"
            " attempts, next_attempt_at, last_error, created_at, sent_at)"
            " SELECT CASE WHEN i %% 2 = 0 THEN 'sms' ELSE 'email' END,"
            " CASE WHEN i %% 2 = 0 THEN '09' || lpad((i %% 100000000)::text, 8, '0')"
            " ELSE 'nguoi' || i || '@example.vn' END,"
            " 'Hồ sơ H26.100-260302-' || i, 'Hồ sơ của ông/bà đã được tiếp nhận. Tra cứu tại'"
            " || ' https://cchc.example.vn/tra-cuu/', 'receive', 'sent', 1, now(),"
            " CASE WHEN i %% 10 = 0 THEN 'ConnectionError: gateway refused 09' || i ELSE '' END,"
            " now(), now() FROM generate_series(1, %s) i",
            [NOTIFICATIONS],
        )
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, kind, full_name, phone, province_code,"
            " national_id_hash, national_id_last4, email_verified, phone_verified)"
            " SELECT '!', false, 'dan' || i || '@example.vn', '', '', 'dan' || i || '@example.vn',"
            " false, true, now(), 'CITIZEN', 'Công dân ' || i, '09' || lpad(i::text, 8, '0'), '01',"
            " '', '', true, false FROM generate_series(1, %s) i",
            [USERS],
        )
    result["notifications"], result["users"] = NOTIFICATIONS, USERS
    seconds = _timed(lambda: call_command("migrate", "portal", "0002", verbosity=0))
    result["portal_0002_migration"] = {
        "rows": NOTIFICATIONS,
        "seconds": seconds,
        "rows_per_second": _rate(NOTIFICATIONS, seconds),
    }
    seconds = _timed(lambda: call_command("migrate", "accounts", "0004", verbosity=0))
    result["accounts_0004_migration"] = {
        "rows": USERS,
        "seconds": seconds,
        "rows_per_second": _rate(USERS, seconds),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM portal_notification WHERE recipient NOT LIKE 'gAAAAA%%'"
        )
        clear_left = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM accounts_user WHERE username LIKE '%%@%%'")
        clear_left += cursor.fetchone()[0]
    result["rows_left_in_clear"] = clear_left

    settings.CCHC_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.CCHC_FIELD_KEYS]
    rotated = NOTIFICATIONS + USERS + (DOSSIERS and result["dossiers_0010_rewrite"]["rows"])
    seconds = _timed(lambda: call_command("rotate_field_keys", verbosity=0))
    result["rotate_field_keys"] = {
        "rows_about": rotated,
        "seconds": seconds,
        "rows_per_second": _rate(rotated, seconds),
    }
    result["load_average_1m"] = os.getloadavg()[0]
    write_result(os.environ.get("BENCH_RESULT", "outbox_pii"), result)


if __name__ == "__main__":
    main()
