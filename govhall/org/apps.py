from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "govhall.org"
    verbose_name = "组织机构"
