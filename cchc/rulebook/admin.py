from cchc.core.admin import register_event_log
from cchc.rulebook.models import RulebookEvent

# The rules' change log, read-only like every event log (changes go through the services).
register_event_log(RulebookEvent)
