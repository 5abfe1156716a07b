"""The survey logs are named in Vietnamese in the admin (QA walk B, issue 5): their verbose
names go through gettext, not Django's English default from the class name."""

from django.contrib import admin
from django.utils import translation

from cchc.surveys.models import PaperFormEvent, QuestionnaireEvent, ResponseEvent, SurveyEvent


def test_event_logs_have_vietnamese_names():
    expected = {
        QuestionnaireEvent: "sự kiện phiếu khảo sát",
        SurveyEvent: "sự kiện đợt khảo sát",
        ResponseEvent: "sự kiện phiếu trả lời",
        PaperFormEvent: "sự kiện phiếu giấy",
    }
    with translation.override("vi"):
        for model, name in expected.items():
            assert admin.site.is_registered(model)
            assert str(model._meta.verbose_name) == name, model
            assert str(model._meta.verbose_name_plural) == name, model
    with translation.override("en"):
        assert str(PaperFormEvent._meta.verbose_name_plural) == "paper form events"
