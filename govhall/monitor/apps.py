from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "govhall.monitor"
    verbose_name = "监管大屏与考核"
