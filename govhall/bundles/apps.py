from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "govhall.bundles"
    verbose_name = "一件事一次办"
