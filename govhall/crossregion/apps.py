from django.apps import AppConfig


class CrossregionConfig(AppConfig):
    name = "govhall.crossregion"
    verbose_name = "跨区通办"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from govhall.cases.models import EVENT_KIND_LABELS
        from govhall.crossregion import signals  # noqa: F401

        EVENT_KIND_LABELS.update(
            {
                "crossregion_routed": _("跨区通办受理"),
                "crossregion_forwarded": _("跨区通办转出"),
                "crossregion_received": _("对端已接收"),
                "crossregion_inbound": _("跨区通办转入"),
                "crossregion_status": _("对端办理进展"),
            }
        )
