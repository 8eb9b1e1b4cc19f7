from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "govhall.hall"
    verbose_name = "大厅服务"
