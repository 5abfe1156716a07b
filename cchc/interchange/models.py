"""The audit trail of bundle imports: who loaded which file, when, and with what outcome.

A refused file leaves its row here too (written outside the file's transaction), so an
inspector can see every attempt, not only the successful ones.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportRun(models.Model):
    file_name = models.CharField(_("file"), max_length=40)
    directory = models.CharField(_("bundle directory"), max_length=500)
    initiated_by = models.CharField(_("initiated by"), max_length=200, blank=True)
    skip_invalid = models.BooleanField(_("invalid rows skipped"), default=False)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(pgettext_lazy("a run", "finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    refused = models.BooleanField(_("file refused"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.started_at:%Y-%m-%d %H:%M}"


class PortalSync(models.Model):
    """The synchronisation of one dossier to the national public service portal (Cổng
    DVCQG): the version of the dossier last sent and when, and the last failure. Written by the
    job in cchc.interchange.portal_sync; one row per dossier."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="portal_sync",
        verbose_name=_("dossier"),
    )
    sent_version = models.PositiveIntegerField(_("version sent"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("national portal synchronisation")
        verbose_name_plural = _("national portal synchronisations")

    def __str__(self) -> str:
        return f"{self.dossier_id} v{self.sent_version} @ {self.sent_at}"
