from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "cchc.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị"

    def ready(self) -> None:
        from cchc.core import retention
        from cchc.feedback.retention import PURGES

        for purge in PURGES:
            retention.register(purge)
