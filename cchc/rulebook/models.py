"""The province's rulebook: the aggregate every change of a calendar exception or a rule
version is recorded against (issue 17 point 7).

Calendar exceptions and rule versions themselves stay in `cchc.core.models` (the working
calendar and every module read them there); this app owns who may change them, how, and the
audit trail. One `Rulebook` row per province is locked by every change, so two Home Affairs
officers cannot add overlapping versions at the same moment, and its `RulebookEvent` log is the
hash-chained audit list of every change (Nghị định 118/2025/NĐ-CP: the province publishes its
working calendar and one-stop rules; the change must be traceable to its legal document).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.core.events import EventLog
from cchc.core.models import event_log_meta


class Rulebook(models.Model):
    """Sổ quy định của tỉnh: the subject of the rules' audit log."""

    province_code = models.CharField(_("province code"), max_length=2, unique=True)
    last_event_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rulebook")
        verbose_name_plural = _("rulebooks")

    def __str__(self) -> str:
        return self.province_code


class RulebookEvent(EventLog):
    """One change of the province's rules (nhật ký thay đổi quy định)."""

    subject_field: ClassVar[str] = "rulebook"

    class Action(models.TextChoices):
        ADD_CALENDAR_EXCEPTION = "add_calendar_exception", _("Calendar exception added")
        ADD_RULE_VERSION = "add_rule_version", _("Rule version added")
        CANCEL_CALENDAR_EXCEPTION = "cancel_calendar_exception", _("Calendar exception cancelled")

    rulebook = models.ForeignKey(
        Rulebook, on_delete=models.PROTECT, related_name="events", verbose_name=_("rulebook")
    )

    Meta = event_log_meta(
        "rulebook",
        "uniq_rulebook_event_seq",
        _("rule change"),
        _("rule changes"),
        ordering=["-seq"],
    )

    action_labels = dict(Action.choices)
