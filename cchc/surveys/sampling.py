"""Sampling from the platform's own records (issue 13.3; domain.md §6).

The frame of a unit is the applicants whose dossiers at that unit were completed in the
campaign's window (one entry per applicant, their latest dossier), or an imported household
list. The sample size is n = N / (1 + N·e²) rounded up (Yamane; e = the method's margin,
5 % by default, so n ≤ 400); it is allocated to strata (procedure field × channel) in
proportion to their size by largest remainders; within a stratum the frame is put in a fixed
order and shuffled by a generator seeded with the stored seed, the unit and the stratum, so
the same seed always draws the same people, and each unit's draw is independent of the others.
The next `reserve_factor × n_h` people of the shuffled order are the reserve list.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any


def sample_size(frame: int, margin: float = 0.05) -> int:
    """n = N / (1 + N·e²), rounded up, never more than N."""
    if frame <= 0:
        return 0
    return min(frame, math.ceil(frame / (1 + frame * margin * margin)))


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Proportional allocation of n over strata by largest remainders (ties by name)."""
    total = sum(sizes.values())
    if total == 0 or n == 0:
        return dict.fromkeys(sizes, 0)
    exact = {k: n * v / total for k, v in sizes.items()}
    out = {k: math.floor(x) for k, x in exact.items()}
    left = n - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[:left]:
        out[k] += 1
    return out


@dataclass(frozen=True)
class FrameEntry:
    key: str  # stable order within the frame (the dossier code)
    stratum: str
    person: dict[str, Any]


@dataclass
class Draw:
    frame_size: int
    size: int
    strata: dict[str, list[int]]  # stratum -> [frame, sample]
    sample: list[FrameEntry]
    reserve: list[FrameEntry]


def _rng(seed: str, unit: str, stratum: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{unit}|{stratum}".encode()).hexdigest()
    return random.Random(int(digest, 16))  # noqa: S311 - a reproducible draw, not a secret


def draw(
    frame: list[FrameEntry],
    *,
    seed: str,
    unit: str,
    margin: float = 0.05,
    reserve_factor: float = 1.0,
) -> Draw:
    by_stratum: dict[str, list[FrameEntry]] = defaultdict(list)
    for entry in frame:
        by_stratum[entry.stratum].append(entry)
    n = sample_size(len(frame), margin)
    shares = allocate({k: len(v) for k, v in by_stratum.items()}, n)
    sample: list[FrameEntry] = []
    reserve: list[FrameEntry] = []
    for stratum in sorted(by_stratum):
        entries = sorted(by_stratum[stratum], key=lambda e: e.key)
        _rng(seed, unit, stratum).shuffle(entries)
        k = shares[stratum]
        sample.extend(entries[:k])
        reserve.extend(entries[k : k + math.ceil(k * reserve_factor)])
    return Draw(
        frame_size=len(frame),
        size=n,
        strata={k: [len(v), shares[k]] for k, v in sorted(by_stratum.items())},
        sample=sample,
        reserve=reserve,
    )


def dossier_frame(agency: Any, date_from: Any, date_to: Any) -> list[FrameEntry]:
    """Applicants of the unit's dossiers completed (result returned or processing finished)
    in [date_from, date_to], one entry per applicant (their latest dossier), stratified by
    procedure field × channel."""
    import datetime as dt

    from django.db.models import Q

    from cchc.core.calendar import LOCAL_TZ
    from cchc.dossiers.models import Dossier, Status

    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    rows = (
        Dossier.objects.filter(
            Q(competent_agency=agency) | Q(receiving_agency=agency),
            status__in=(Status.FINISHED, Status.RETURNED),
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .order_by("finished_at", "code")
        .values_list(
            "code",
            "channel",
            "procedure__field__code",
            "applicant_id_hash",
            "applicant_name",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "details",
        )
    )
    people: dict[str, FrameEntry] = {}
    for code, channel, field, id_hash, name, phone, email, address, details in rows:
        who = id_hash or f"{name}|{phone}|{address}"
        people[who] = FrameEntry(
            key=code,
            stratum=f"{field or '-'}:{channel}",
            person={
                "dossier_code": code,
                "name": name,
                "phone": phone,
                "email": email,
                "address": address,
                # only an explicit consent recorded with the dossier (form data `contact_ok`)
                "contact_ok": bool((details or {}).get("contact_ok")),
            },
        )
    return list(people.values())


def stratum_labels(strata: set[str], *, in_sentence: bool = False) -> dict[str, str]:
    """How a stratum reads on a page: "*" is the unit as a whole; "<field code>:<channel>"
    (the dossier frame's strata) the field's name and the channel, "Hộ tịch · Trực tuyến".
    A label starts with a capital, as it starts a line of the quotas ("Toàn đơn vị 3/40");
    `in_sentence`: lower case, for a label inside a sentence ("… (toàn đơn vị) đã đủ")."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    from cchc.catalogue.models import Field
    from cchc.dossiers.models import Channel

    codes = {s.rsplit(":", 1)[0] for s in strata if ":" in s}
    names = dict(Field.objects.filter(code__in=codes).values_list("code", "name"))
    channels = {str(value): str(label) for value, label in Channel.choices}
    out = {}
    for stratum in strata:
        if stratum == "*":
            out[stratum] = _("whole unit") if in_sentence else pgettext("a label", "Whole unit")
            continue
        code, _sep, channel = stratum.rpartition(":")
        if not _sep:
            out[stratum] = stratum
            continue
        no_field = _("no field") if in_sentence else pgettext("a label", "No field")
        field = names.get(code) or (no_field if code == "-" else code)
        out[stratum] = f"{field} · {channels.get(channel, channel)}"
    return out
