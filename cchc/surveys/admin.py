from cchc.core.admin import register_event_log
from cchc.surveys.models import PaperFormEvent, QuestionnaireEvent, ResponseEvent, SurveyEvent

# The questionnaires', campaigns', responses' and paper forms' logs, read-only like every
# event log (changes go through the services).
for model in (QuestionnaireEvent, SurveyEvent, ResponseEvent, PaperFormEvent):
    register_event_log(model)
