"""What encrypting personal data at rest costs (issue 12 point 6, cchc/core/personal.py):
one Fernet encryption and decryption, and the rewrite of every dossier's phone, e-mail and
address that the data migration `dossiers.0010` and `manage.py rotate_field_keys` perform.

Env: BENCH_DOSSIERS (default 20,000), DATABASE_URL (a PostgreSQL database whose name contains
"bench"; dropped and created unless BENCH_KEEP=1). Figures: bench/results/personal.json.
"""

from __future__ import annotations

import os
import time
import timeit

from common import ensure_dossiers, setup_database, write_result

N = int(os.environ.get("BENCH_DOSSIERS", "20000"))


def main() -> None:
    setup_database(keep=os.environ.get("BENCH_KEEP") == "1")
    info = ensure_dossiers(N)

    from django.db import connection

    from cchc.core import personal
    from cchc.dossiers.models import Dossier

    address = "Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng, Hà Nội"
    token = personal.encrypt(address)
    runs = 20_000
    per_op = {
        "encrypt_us": round(
            timeit.timeit(lambda: personal.encrypt("0912345678"), number=runs) / runs * 1e6, 1
        ),
        "decrypt_us": round(
            timeit.timeit(lambda: personal.decrypt(token), number=runs) / runs * 1e6, 1
        ),
        "keyed_hash_us": round(
            timeit.timeit(lambda: personal.lookup_hash("phone", "0912345678"), number=runs)
            / runs
            * 1e6,
            1,
        ),
        "token_length_of_a_50_char_address": len(token),
    }
    # every dossier gets contact details in clear, as before the migration
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dossiers_dossier SET applicant_phone = '0912' || lpad((id %% 1000000)::text, 6, '0'),"
            " applicant_email = 'nguoi' || id || '@example.vn', applicant_address = %s",
            [address],
        )
    rows = Dossier.objects.count()
    t0 = time.monotonic()
    written = personal.reencrypt_rows(Dossier, batch=500)
    encrypt_s = time.monotonic() - t0
    t0 = time.monotonic()
    again = personal.reencrypt_rows(Dossier, batch=500)  # what rotate_field_keys does
    rotate_s = time.monotonic() - t0
    write_result(
        "personal",
        {
            "dossiers": rows,
            "setup": info,
            "per_operation": per_op,
            "migration_encrypt": {
                "rows": written,
                "seconds": round(encrypt_s, 1),
                "rows_per_second": round(written / encrypt_s),
            },
            "rotation": {
                "rows": again,
                "seconds": round(rotate_s, 1),
                "rows_per_second": round(again / rotate_s),
            },
            "load_average_1m": os.getloadavg()[0],
        },
    )


if __name__ == "__main__":
    main()
