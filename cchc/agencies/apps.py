from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "cchc.agencies"
    label = "agencies"
    verbose_name = "Đơn vị, cơ quan"
