"""Django's own messages whose Vietnamese we write ourselves.

Django's catalogue leaves the password-length message in English and puts a stray space
before the full stop of the range messages ("lớn hơn hoặc bằng với 0 ."). Our catalogues rank
above Django's (`LOCALE_PATHS`), so the msgids below, translated in cchc/core/locale, are the
ones every form shows. Listed here so that `makemessages` keeps them; nothing calls this.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
)
PLURALS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        12,
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
