from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "cchc.rulebook"
    label = "rulebook"
    verbose_name = "Quy định của tỉnh: lịch làm việc và phiên bản quy định"
