from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "govhall.catalog"
    verbose_name = "事项清单"
