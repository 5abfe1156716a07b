from cchc.core.admin import register_event_log
from cchc.plans.inspection_models import FindingEvent, InspectionEvent
from cchc.plans.models import TaskEvent

# The tasks', inspections' and findings' logs, read-only like every event log (changes go
# through the services).
for model in (TaskEvent, InspectionEvent, FindingEvent):
    register_event_log(model)
