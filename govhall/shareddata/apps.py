from django.apps import AppConfig


class ShareddataConfig(AppConfig):
    name = "govhall.shareddata"
    verbose_name = "共享数据"
