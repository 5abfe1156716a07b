from cchc.core.admin import register_event_log
from cchc.reform.models import ReformEvent, TemplateEvent

# The assessments' and templates' logs, read-only like every event log (changes go through
# the services).
for model in (ReformEvent, TemplateEvent):
    register_event_log(model)
