from cchc.core.admin import register_event_log
from cchc.reform.models import ReformEvent

# The assessments' log, read-only like every event log (changes go through the services).
register_event_log(ReformEvent)
