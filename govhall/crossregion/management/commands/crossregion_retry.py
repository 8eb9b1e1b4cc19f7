from django.core.management.base import BaseCommand

from govhall.crossregion.services import messages_retry


class Command(BaseCommand):
    help = "重发失败或未发出的跨区通办报文（每条报文有消息标识，对端只处理一次）"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args, **options):
        count = messages_retry(limit=options["limit"])
        self.stdout.write(f"已重新排队 {count} 条报文")
