from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "govhall.supervision"
    verbose_name = "监管指标"

    def ready(self) -> None:
        from govhall.supervision import signals  # noqa: F401  (connects the fact projection)
