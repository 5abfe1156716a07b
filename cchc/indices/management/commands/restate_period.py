"""`python manage.py restate_period --scheme qd766 --period P [--province 01] [--user NAME]
--reason TEXT` (interchange.md §2): replace a closed period's figures, recorded with who, when,
why and the figures before and after (the same service as the periods page)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import DomainError
from cchc.indices.management.commands.close_period import (
    acting_user,
    period_arguments,
    scheme_closed_here,
)
from cchc.indices.reports import closed_report, restate_period
from cchc.indices.scoring import reportable


class Command(BaseCommand):
    help = "Restate a closed reporting period with today's figures, giving the reason."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        period_arguments(parser, "the province administrator")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        scheme_closed_here(opts["scheme"])
        try:
            period = reportable(opts["period"], opts["scheme"])
            report = closed_report(opts["scheme"], period, opts["province"])
            if report is None:
                raise CommandError(
                    _("Period %(p)s is not closed: close it first.") % {"p": period.label}
                )
            actor = acting_user(opts["user"], opts["province"])
            report = restate_period(actor=actor, report=report, reason=opts["reason"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Period %(p)s restated (restatement no. %(n)s).")
            % {"p": report.period_label, "n": report.restated}
        )
        self.stdout.write(_("Recorded as done by %(u)s.") % {"u": actor.username})
