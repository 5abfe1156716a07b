from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cchc.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
