from django.apps import AppConfig


class HistimportConfig(AppConfig):
    name = "govhall.histimport"
    verbose_name = "历史办件导入"
