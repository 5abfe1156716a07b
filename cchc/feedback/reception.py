"""The citizen reception schedule (lịch tiếp công dân) of an agency's leaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.actors import actor_user, is_system, require_actor
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.feedback import common
from cchc.feedback.common import (
    R,
)
from cchc.feedback.models import (
    ReceptionSlot,
)
from cchc.feedback.text import clean_text


@transaction.atomic
def schedule_reception(
    *,
    actor: Any,
    agency: Agency,
    leader_name: str,
    leader_title: str,
    day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    location: str,
    note: str = "",
) -> ReceptionSlot:
    if not is_system(require_actor(actor)) and not (
        permissions.has_role(actor, agency.pk, [R.LEADER, R.AGENCY_ADMIN])
        or permissions.is_province_admin(actor, agency.province_code)
    ):
        raise NotPermitted(
            _("Only the agency's leaders and administrators may publish its reception schedule.")
        )
    if end_time <= start_time:
        raise ValidationFailed(_("The session must end after it starts."), field="end_time")
    return ReceptionSlot.objects.create(
        agency=agency,
        leader_name=common.required_text(
            leader_name, _("leader"), 200, multiline=False, field="leader_name"
        ),
        leader_title=common.required_text(
            leader_title, _("position"), 200, multiline=False, field="leader_title"
        ),
        day=day,
        start_time=start_time,
        end_time=end_time,
        location=common.required_text(location, _("place"), 300, multiline=False, field="location"),
        note=clean_text(note, multiline=False)[:300],
        created_by=actor_user(actor),
    )
