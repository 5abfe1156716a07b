from cchc.core.admin import register_event_log
from cchc.surveys.models import PaperFormEvent, ResponseEvent, SurveyEvent

# The campaigns', responses' and paper forms' logs, read-only like every event log (changes
# go through the services).
for model in (SurveyEvent, ResponseEvent, PaperFormEvent):
    register_event_log(model)
