from django import template

register = template.Library()


@register.filter
def get(mapping, key):  # type: ignore[no-untyped-def]
    return mapping.get(key, "") if mapping else ""
