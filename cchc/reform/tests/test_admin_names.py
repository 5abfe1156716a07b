"""The admin names reform's event logs in Vietnamese (QA walk B: "Reform events" and
"Template events" stood untranslated in the Vietnamese admin list)."""

from __future__ import annotations

from django.utils import translation

from cchc.reform.models import ReformEvent, TemplateEvent


def test_event_logs_have_vietnamese_names():
    with translation.override("vi"):
        names = [
            (str(m._meta.verbose_name), str(m._meta.verbose_name_plural))
            for m in (ReformEvent, TemplateEvent)
        ]
    assert names == [
        ("Sự kiện tự đánh giá Chỉ số CCHC", "Nhật ký tự đánh giá Chỉ số CCHC"),
        ("Sự kiện bộ tiêu chí Chỉ số CCHC", "Nhật ký bộ tiêu chí Chỉ số CCHC"),
    ]
