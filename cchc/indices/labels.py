"""The one place metric, group and counter labels come from (marked for translation).

A scheme version's rows keep their own `name` (rules are data); what a page, an export or a
PDF shows is the label here for a known code, translated into the viewer's language (the
Vietnamese msgstr lives in cchc/indices/locale). A code this module does not know (a metric
added by a later version) falls back to the name its version row gives.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# QĐ 766/QĐ-TTg metrics, by code
METRIC_LABELS: dict[str, Any] = {
    "PUBLISH_ON_TIME": _("Share of procedures announced on time"),
    "PUBLIC_UPDATE_ON_TIME": _("Share of procedures updated and published on time"),
    "PUBLIC_CONTENT_FULL": _("Share of procedures published with full content"),
    "DOSSIER_SYNC": _("Share of dossiers synchronised to the national portal"),
    "DOSSIER_ON_TIME": _("Share of dossiers resolved on time"),
    "ONLINE_PROCEDURES": _("Share of procedures offered online (full or partial)"),
    "ONLINE_SERVICES_USED": _("Share of online services with dossiers"),
    "ONLINE_DOSSIERS": _("Share of dossiers submitted online"),
    "PAYMENT_ONLINE_DOSSIERS": _("Share of dossiers paid online"),
    "PAYMENT_ONLINE_PROCEDURES": _("Share of procedures with online payments"),
    "PAYMENT_FEE_DATA": _("Share of procedures with fees or charges that had dossiers"),
    "ORIGINAL_RESULT_AVAILABLE": _("Share of dossiers with an electronic result"),
    "SO_HOA_GIAY_TO_GIAI_QUYET": _("Share of dossiers digitised"),
    "REUSED_DIGITIZED_DATA": _("Share of dossiers reusing digitised data"),
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": _(
        "Share of digitised dossiers linked to the personal data store"
    ),
    "CITIZEN_DATA_CONNECTED_DOSSIER": _("Share of dossiers using population data"),
    "CITIZEN_DATA_CONNECTED_FORMALITY": _("Share of procedures connected to population data"),
    "ELECTRONIC_CERTIFIED_COPY": _("Share of electronic certified copies provided"),
    "PETITION_CLASSIFICATION_TTHC": _("Share of petitions about rules and procedures"),
    "DOSSIER_RECEIVING_SATISFACTION": _("Satisfaction with receiving and resolving dossiers"),
    "PETITION_PROCESSING_ON_TIME": _("Share of petitions handled on time"),
    "PETITION_HANDLING_SATISFACTION": _("Satisfaction with petition handling"),
    "PETITION_CLASSIFICATION_STAFF": _("Share of petitions about officials' conduct"),
}

GROUP_LABELS: dict[str, Any] = {
    "transparency": _("Publicity and transparency"),
    "progress": _("Progress of resolution"),
    "online": _("Online public services"),
    "payment": _("Online payment"),
    "digitization": _("Digitisation of dossiers"),
    "satisfaction": _("Satisfaction"),
}

# counters counted from procedures (dossier and petition counters are described in
# cchc.indices.counters next to their predicates)
PROCEDURE_COUNTER_LABELS: dict[str, Any] = {
    "procedures_announced": _("procedures whose announcement decision falls in the period"),
    "procedures_announced_on_time": _("procedures announced on time"),
    "procedures_published": _("procedures published in the period"),
    "procedures_published_on_time": _("procedures published on time"),
    "procedures_in_scope": _("procedures in the agency's scope"),
    "procedures_content_full": _("procedures published with full content"),
    "procedures_online": _("procedures offered online"),
    "online_services": _("online public services"),
    "online_services_used": _("online public services with dossiers"),
    "procedures_population_data": _("procedures connected to population data"),
    "procedures_with_fee": _("procedures with fees or charges"),
    "procedures_fee_paid_online": _("procedures with fees paid online"),
    "procedures_fee_dossiers": _("procedures with fees that had dossiers"),
    "procedures_fee_data": _("procedures with fee data"),
    "certified_copies": _("certified copies"),
    "certified_copies_electronic": _("electronic certified copies"),
}

# a metric with a counter the platform holds no data for (engine.MetricScore.no_data)
NO_DATA_LABEL = _("No data — enter or import the figure")

# what a metric scores when its denominator is empty (engine.EMPTY_*)
EMPTY_RULE_LABELS: dict[str, Any] = {
    "zero": _("0 points"),
    "full": _("full marks"),
    "null": _("not scored"),
}


def metric_label(code: str, fallback: str = "") -> str:
    """The metric's label in the active language (its version row's name if unknown here)."""
    label = METRIC_LABELS.get(code)
    return str(label) if label is not None else (fallback or code)


def group_label(code: str, fallback: str = "") -> str:
    label = GROUP_LABELS.get(code)
    return str(label) if label is not None else (fallback or code)
