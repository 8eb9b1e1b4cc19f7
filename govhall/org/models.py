from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """行政区划: province (2-digit code) → city (4) → county (6) → township (9) → village (12).

    Codes are those of the statistics bureau's 统计用区划代码 (the first six digits are GB/T 2260).
    """

    LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY, LEVEL_TOWNSHIP, LEVEL_VILLAGE = 1, 2, 3, 4, 5
    LEVEL_CHOICES = [
        (LEVEL_PROVINCE, _("省级")),
        (LEVEL_CITY, _("地级")),
        (LEVEL_COUNTY, _("县级")),
        (LEVEL_TOWNSHIP, _("乡级")),
        (LEVEL_VILLAGE, _("村级")),
    ]
    CODE_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别", choices=LEVEL_CHOICES)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级区划")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"], name="division_children")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """An implementing body (实施主体): a county department, a township government, a 行政审批局."""

    KIND_DEPARTMENT = "department"
    KIND_APPROVAL_BUREAU = "approval_bureau"
    KIND_TOWNSHIP = "township"
    KIND_CHOICES = [
        (KIND_DEPARTMENT, _("政府部门")),
        (KIND_APPROVAL_BUREAU, _("行政审批局")),
        (KIND_TOWNSHIP, _("苏木乡镇人民政府")),
    ]

    name = models.CharField("部门名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES, default=KIND_DEPARTMENT)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, verbose_name="所在区划")
    phone = models.CharField("咨询电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ServiceCentre(models.Model):
    """政务服务中心 (county) and its branches, 便民服务中心 (township), 代办点 (village/community)."""

    LEVEL_COUNTY, LEVEL_TOWNSHIP, LEVEL_VILLAGE = "county", "township", "village"
    LEVEL_CHOICES = [
        (LEVEL_COUNTY, _("旗县级政务服务中心")),
        (LEVEL_TOWNSHIP, _("苏木乡镇便民服务中心")),
        (LEVEL_VILLAGE, _("嘎查村（社区）代办点")),
    ]

    name = models.CharField("名称", max_length=100, unique=True)
    level = models.CharField("层级", max_length=10, choices=LEVEL_CHOICES)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, verbose_name="所在区划")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="branches", verbose_name="上级中心")
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    hours = models.CharField("办公时间", max_length=100, blank=True)

    class Meta:
        verbose_name = "服务中心"
        verbose_name_plural = "服务中心"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    KIND_COMPREHENSIVE = "comprehensive"
    KIND_SPECIALISED = "specialised"
    KIND_HELP = "help"
    KIND_CROSS_REGION = "cross_region"
    KIND_COMPLAINT = "complaint"
    KIND_CANT_DO = "cant_do"
    KIND_CHOICES = [
        (KIND_COMPREHENSIVE, _("综合受理窗口（无差别）")),
        (KIND_SPECIALISED, _("专业窗口")),
        (KIND_HELP, _("帮办代办窗口")),
        (KIND_CROSS_REGION, _("跨区通办窗口")),
        (KIND_COMPLAINT, _("投诉窗口")),
        (KIND_CANT_DO, _("办不成事反映窗口")),
    ]

    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="windows", verbose_name="服务中心")
    number = models.CharField("窗口号", max_length=10)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    accepts_all_items = models.BooleanField("可受理全部事项", default=False, help_text="综合窗口“全科”受理：本中心可办的任何事项")
    departments = models.ManyToManyField(Department, blank=True, verbose_name="进驻部门")
    items = models.ManyToManyField("catalog.Item", blank=True, related_name="windows", verbose_name="可受理事项")
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        ordering = ["centre_id", "number"]
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="window_number_unique_in_centre")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class StaffProfile(models.Model):
    """Where a staff member works. Powers come from roles (groups): a clerk's from the centre and
    window, an approver's from the department."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name="部门")
    centre = models.ForeignKey(ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, verbose_name="服务中心")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="窗口")
    title = models.CharField("职务", max_length=40, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username
