from django.apps import AppConfig


class PaperworkConfig(AppConfig):
    name = "cchc.paperwork"
    label = "paperwork"
    verbose_name = "Biểu mẫu, giấy tờ"
