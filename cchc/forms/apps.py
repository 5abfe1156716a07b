from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "cchc.forms"
    label = "forms"
    verbose_name = "Biểu mẫu"
