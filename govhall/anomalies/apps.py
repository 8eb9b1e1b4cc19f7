from django.apps import AppConfig


class AnomaliesConfig(AppConfig):
    name = "govhall.anomalies"
    verbose_name = "异常预警与交办"
