from __future__ import annotations

from django import template

from cchc.core.text import thousands

register = template.Library()


@register.filter
def vnd(amount) -> str:  # type: ignore[no-untyped-def]
    """Whole đồng with Vietnamese digit grouping: 50000 -> "50.000 đ"."""
    try:
        return thousands(int(amount)) + " đ"
    except (TypeError, ValueError):
        return ""


@register.filter
def satisfaction_label(value) -> str:  # type: ignore[no-untyped-def]
    """The words the applicant chose a satisfaction answer by (4 -> "Hài lòng")."""
    from cchc.portal.forms import SATISFACTION_CHOICES

    return str(dict(SATISFACTION_CHOICES).get(value, value))
