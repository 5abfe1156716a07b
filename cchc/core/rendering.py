"""One way to render a form field, set as `settings.FORM_RENDERER`.

Every field goes through `templates/includes/field.html` (label, help text, errors), so the
`aria-describedby` Django puts on a widget (`<id>_helptext`, `<id>_error`) always points at
elements that exist, and `aria-invalid` marks a field with errors. Templates write
`{{ form }}` or `{{ form.name.as_field_group }}`, never a hand-made `<label>…{{ field }}`.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's renderer over the project's TEMPLATES (so our templates and `django.forms`'
    widget templates are found the same way), with our field and form templates."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
