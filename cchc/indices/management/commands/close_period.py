"""`python manage.py close_period --scheme qd766 --period P [--province 01] [--user NAME]`
(interchange.md §2): freeze a period's figures through the same service as the periods page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import DomainError
from cchc.indices.reports import close_period
from cchc.indices.scoring import reportable


def acting_user(username: str, province_code: str):  # type: ignore[no-untyped-def]
    """Who the closing or restatement is recorded as: the user named by --user, else the
    province's administrator when it has exactly one (interchange.md §2 writes the command
    without --user; the record still names a person, and the command says which)."""
    users = get_user_model().objects
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": username})
        return user
    admins = list(
        users.filter(kind="PROVINCE_ADMIN", province_code=province_code, is_active=True).order_by(
            "pk"
        )[:2]
    )
    if len(admins) != 1:
        raise CommandError(
            _(
                "Name the province administrator acting with --user: province %(p)s has "
                "%(n)s administrators."
            )
            % {"p": province_code, "n": "0" if not admins else _("several")}
        )
    return admins[0]


def scheme_closed_here(scheme: str) -> None:
    """SIPAS and the PAR INDEX (settings.INDEX_SCHEMES) are computed and frozen by their own
    modules, when their results are published: closing or restating them here was refused
    with "no methodology for the period", which sent the reader looking for one."""
    if scheme in settings.INDEX_SCHEMES:
        raise CommandError(
            _(
                "The %(scheme)s figures are not closed here: they are frozen when their own "
                "module publishes them (SIPAS: the campaign's results; PAR INDEX: the year's "
                "ranking), and restated there. close_period and restate_period are for the "
                "service index (--scheme qd766)."
            )
            % {"scheme": scheme}
        )


def period_arguments(parser, user_help: str) -> None:  # type: ignore[no-untyped-def]
    """The arguments naming a province's period of a scheme and who acts on it."""
    parser.add_argument("--scheme", default="qd766")
    parser.add_argument("--period", required=True)
    parser.add_argument("--province", default=settings.CCHC_PROVINCE_CODE)
    parser.add_argument(
        "--user",
        default="",
        help=f"{user_help} (default: the province's only administrator)",
    )


class Command(BaseCommand):
    help = "Close a reporting period: its index figures are frozen (province administrators)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        period_arguments(parser, "the province administrator closing the period")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        scheme_closed_here(opts["scheme"])
        try:
            period = reportable(opts["period"], opts["scheme"])
            actor = acting_user(opts["user"], opts["province"])
            report = close_period(
                actor=actor,
                scheme_code=opts["scheme"],
                period=period,
                province_code=opts["province"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Period %(p)s is closed: its figures are frozen.") % {"p": report.period_label}
        )
        self.stdout.write(_("Recorded as done by %(u)s.") % {"u": actor.username})
