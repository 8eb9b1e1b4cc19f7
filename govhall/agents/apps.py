from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    name = "govhall.agents"
    verbose_name = "帮办代办"

    def ready(self) -> None:
        # The case log shows the hand-over steps by name like every other event.
        from govhall.cases.models import EVENT_KIND_LABELS

        EVENT_KIND_LABELS.update(
            {
                "handover_received": _("代办收件"),
                "handover_forwarded": _("代办递交"),
                "handover_confirmed": _("确认接收代办材料"),
                "handover_returned": _("结果回传代办点"),
                "handover_delivered": _("代办员送达居民"),
            }
        )
