"""Helpers for the feedback tests: file petitions through the real services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser

from cchc.core.calendar import LOCAL_TZ
from cchc.feedback import complaints, intake, petitions
from cchc.feedback.models import Category, PetitionChannel

# A Monday morning, far from holidays.
MONDAY = dt.datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TZ)


def file(
    agency,
    *,
    title="Hồ sơ bị trễ hẹn",
    description="Tôi nộp hồ sơ đã lâu mà chưa có kết quả.",
    category=Category.TTHC,
    channel=PetitionChannel.WEB,
    at=MONDAY,
    name="Nguyễn Văn An",
    phone="0912345678",
    email="",
    **kwargs,
):
    return intake.file_petition(
        channel=channel,
        category=category,
        title=title,
        description=description,
        agency=agency,
        petitioner=intake.Petitioner(
            name=name, phone=phone, email=email, user=kwargs.pop("user", None)
        ),
        at=at,
        actor=kwargs.pop("actor", AnonymousUser()),  # a visitor of the public form by default
        **kwargs,
    )


def routed(cast, *, at=MONDAY):
    """A petition filed with agency A and routed by its clerk to its specialist."""
    p = file(cast.agency_a)
    return petitions.confirm_routing(
        p,
        actor=cast.clerk_a,
        category=p.category,
        agency=cast.agency_a,
        assignee=cast.specialist_a,
        at=at,
    )


def file_complaint(cast, **over):
    """A complaint against a land-recovery decision, filed at agency A by its leader."""
    return complaints.file_complaint(
        **{
            "actor": cast.leader_a,
            "kind": "COMPLAINT",
            "agency": cast.agency_a,
            "complainant_name": "Phạm Văn D",
            "subject": "Quyết định thu hồi đất số 5",
            "content": "Không đồng ý mức bồi thường",
            **over,
        }
    )
