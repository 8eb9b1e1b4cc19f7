from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govhall.core"
    verbose_name = "基础"

    def ready(self):
        from govhall.core import auth  # noqa: F401  (connects the sign-in signals)
