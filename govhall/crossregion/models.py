"""跨区通办 / 跨省通办 (ONE-2): agreements, this deployment's node identity, its peers, the route of
each cross-region case and the log of every signed message exchanged with a peer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import Case
from govhall.catalog.choices import TONGBAN_SCOPES
from govhall.catalog.models import Item
from govhall.org.models import Division, ServiceCentre

# An agreement may cover every item of a 通办 scope (or none: items listed one by one).
SCOPE_CHOICES = [("", _("不按范围"))] + [(k, _(v)) for k, v in TONGBAN_SCOPES if k != "none"]


class NodeKey(models.Model):
    """This deployment's identity towards its peers: the node id (its county code), its name and
    its SM2 key pair. The private key is stored only encrypted under GOVHALL_SEAL_KEY."""

    node_id = models.CharField("节点编码", max_length=20, unique=True)
    name = models.CharField("节点名称", max_length=100)
    public_key = models.CharField("SM2 公钥", max_length=130)
    private_key_encrypted = models.TextField("SM2 私钥（密文）")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "本节点密钥"
        verbose_name_plural = "本节点密钥"

    def __str__(self) -> str:
        return f"{self.node_id} {self.name}"


class Peer(models.Model):
    """Another govhall deployment this one exchanges cases with (对端节点)."""

    node_id = models.CharField("节点编码", max_length=20, unique=True, help_text="对端的区划代码")
    name = models.CharField("名称", max_length=100)
    base_url = models.URLField("接口地址", max_length=200, help_text="如 https://zwfw.xbehzq.gov.cn")
    public_key = models.CharField("SM2 公钥", max_length=130, help_text="04 开头的 130 位十六进制")
    enabled = models.BooleanField("启用", default=True)
    # Inbound allow-list: the items of this node the peer may forward cases for (通办 agreed with it).
    inbound_items = models.ManyToManyField(
        Item, blank=True, related_name="+", verbose_name="为对端办理的事项", help_text="对端可向本节点转送办件的本地事项"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "对端节点"
        verbose_name_plural = "对端节点"
        ordering = ["node_id"]
        permissions = [("manage_peers", "管理跨区通办对端节点")]

    def __str__(self) -> str:
        return self.name


class RemoteItem(models.Model):
    """An item as a peer publishes it (its code and name), mapped to the local catalog item with
    the same 基本编码 under which the accepting side records the case."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="items", verbose_name="对端节点")
    code = models.CharField("对端事项编码", max_length=40)
    name = models.CharField("对端事项名称", max_length=200)
    department_name = models.CharField("对端实施主体", max_length=100, blank=True)
    local_item = models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="本地对应事项",
        help_text="本地目录中同一基本编码的事项",
    )

    class Meta:
        verbose_name = "对端事项"
        verbose_name_plural = "对端事项"
        ordering = ["peer_id", "code"]
        constraints = [models.UniqueConstraint(fields=["peer", "code"], name="remote_item_code_per_peer")]

    def __str__(self) -> str:
        return f"{self.peer.name} {self.name}"


class TongbanAgreement(models.Model):
    """通办协议: the accepting region (a division and/or centres) accepts the listed items (or every
    item of a 通办 scope) on behalf of the handling region — a division of this deployment or a
    peer deployment."""

    name = models.CharField("协议名称", max_length=100)
    accepting_division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="受理地区划",
        help_text="该区划内的全部服务中心",
    )
    accepting_centres = models.ManyToManyField(ServiceCentre, blank=True, related_name="+", verbose_name="受理地服务中心")
    handling_division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办理地区划（本系统）"
    )
    handling_peer = models.ForeignKey(
        Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements", verbose_name="办理地（对端节点）"
    )
    items = models.ManyToManyField(Item, blank=True, related_name="+", verbose_name="通办事项")
    remote_items = models.ManyToManyField(RemoteItem, blank=True, related_name="agreements", verbose_name="对端通办事项")
    tongban_scope = models.CharField("按通办范围", max_length=20, choices=SCOPE_CHOICES, blank=True)
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通办协议"
        verbose_name_plural = "通办协议"
        ordering = ["-valid_from", "id"]
        permissions = [("manage_agreements", "管理通办协议")]
        constraints = [
            models.CheckConstraint(
                condition=Q(handling_division__isnull=False, handling_peer__isnull=True)
                | Q(handling_division__isnull=True, handling_peer__isnull=False),
                name="agreement_one_handling_region",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")), name="agreement_valid_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def handling_name(self) -> str:
        return self.handling_peer.name if self.handling_peer is not None else str(self.handling_division)


class CaseRoute(models.Model):
    """Where a cross-region case is accepted, handled and delivered (one row per such case)."""

    DIRECTION_LOCAL, DIRECTION_OUTBOUND, DIRECTION_INBOUND = "local", "outbound", "inbound"
    DIRECTION_CHOICES = [
        (DIRECTION_LOCAL, _("本系统内跨区")),
        (DIRECTION_OUTBOUND, _("转出至对端")),
        (DIRECTION_INBOUND, _("对端转入")),
    ]
    DELIVER_ACCEPTING, DELIVER_HANDLING, DELIVER_POST, DELIVER_ELECTRONIC = "accepting", "handling", "post", "electronic"
    DELIVERY_CHOICES = [
        (DELIVER_ACCEPTING, _("受理地窗口领取")),
        (DELIVER_HANDLING, _("办理地窗口领取")),
        (DELIVER_POST, _("邮寄送达")),
        (DELIVER_ELECTRONIC, _("电子送达")),
    ]

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="crossregion", verbose_name="办件")
    direction = models.CharField("方向", max_length=10, choices=DIRECTION_CHOICES)
    agreement = models.ForeignKey(
        TongbanAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="通办协议"
    )
    accepting_centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="受理地服务中心"
    )
    accepting_name = models.CharField("受理地", max_length=100, blank=True)
    handling_name = models.CharField("办理地", max_length=100)
    peer = models.ForeignKey(Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="对端节点")
    remote_item = models.ForeignKey(RemoteItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="对端事项")
    remote_number = models.CharField("对端办件编号", max_length=64, blank=True)
    remote_status = models.CharField("对端状态", max_length=20, blank=True)
    remote_status_label = models.CharField("对端状态说明", max_length=100, blank=True)
    delivery_choice = models.CharField("结果送达", max_length=12, choices=DELIVERY_CHOICES, default=DELIVER_ACCEPTING)
    delivery_centre = models.ForeignKey(
        ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="出件服务中心"
    )
    delivery_address = models.CharField("邮寄地址", max_length=300, blank=True)
    forwarded_at = models.DateTimeField("转出时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "跨区通办办件"
        verbose_name_plural = "跨区通办办件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["peer", "remote_number"], name="route_peer_remote_number")]

    def __str__(self) -> str:
        return f"{self.case} → {self.handling_name}"

    @property
    def latest_report(self) -> dict:
        """The peer's latest report on the case (label, 补正 points, reason), for the case pages."""
        event = self.case.events.filter(kind="crossregion_status").order_by("-seq").first()
        return dict(event.after) if event is not None else {}


class Message(models.Model):
    """A signed server-to-server message, outbound (queued, retried) or inbound (applied once per
    message id). The body is kept without the materials' bytes (their SM3 digests stay)."""

    OUT, IN = "out", "in"
    DIRECTION_CHOICES = [(OUT, _("发出")), (IN, _("收到"))]
    KIND_FORWARD, KIND_STATUS = "case_forward", "case_status"
    KIND_CHOICES = [(KIND_FORWARD, _("转送办件")), (KIND_STATUS, _("状态回传"))]
    STATUS_PENDING, STATUS_SENT, STATUS_FAILED, STATUS_APPLIED, STATUS_REFUSED = "pending", "sent", "failed", "applied", "refused"
    STATUS_CHOICES = [
        (STATUS_PENDING, _("待发送")),
        (STATUS_SENT, _("已送达")),
        (STATUS_FAILED, _("发送失败")),
        (STATUS_APPLIED, _("已处理")),
        (STATUS_REFUSED, _("已拒收")),
    ]

    direction = models.CharField("方向", max_length=3, choices=DIRECTION_CHOICES)
    message_id = models.CharField("消息标识", max_length=40)
    peer = models.ForeignKey(Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="messages", verbose_name="对端节点")
    peer_node_id = models.CharField("对端节点编码", max_length=20, blank=True)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    body = models.JSONField("内容", default=dict)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=STATUS_PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("错误", max_length=500, blank=True)
    response = models.JSONField("应答", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "跨区通办报文"
        verbose_name_plural = "跨区通办报文"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["direction", "peer_node_id", "message_id"], name="message_once_per_peer")]
        indexes = [models.Index(fields=["direction", "status"], name="message_direction_status")]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.message_id}"


class SeenNonce(models.Model):
    """Nonces of accepted requests, kept past the ±5 minute window so a replay is refused."""

    node_id = models.CharField("节点编码", max_length=20)
    nonce = models.CharField("随机数", max_length=64)
    seen_at = models.DateTimeField("收到时间", auto_now_add=True)

    class Meta:
        verbose_name = "已用随机数"
        verbose_name_plural = "已用随机数"
        constraints = [models.UniqueConstraint(fields=["node_id", "nonce"], name="nonce_once_per_node")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.nonce}"
