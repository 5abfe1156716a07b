from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "cchc.interchange"
    label = "interchange"
    verbose_name = "Trao đổi dữ liệu"
