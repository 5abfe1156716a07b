from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "cchc.reform"
    label = "reform"
    verbose_name = "Chỉ số cải cách hành chính (PAR INDEX)"
