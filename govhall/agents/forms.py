"""Forms of the 帮办代办 pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.agents.models import AgentConsent, HandOver
from govhall.catalog.models import Item


class ItemChoiceField(forms.ModelMultipleChoiceField):
    """Items by name and department: a delegated item has the same name in every township."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.department.short_name or obj.department.name}）"


class ConsentForm(forms.Form):
    id_number = forms.CharField(label=_("居民公民身份号码"), max_length=18, error_messages={"required": _("请填写居民的公民身份号码")})
    scope = forms.ChoiceField(
        label=_("授权范围"), choices=AgentConsent.SCOPE_CHOICES, widget=forms.RadioSelect, initial=AgentConsent.SCOPE_ITEMS
    )
    items = ItemChoiceField(
        label=_("授权事项"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("按住 Ctrl 可多选；授权范围为“全部事项”时不必选择"),
    )
    method = forms.ChoiceField(
        label=_("授权方式"), choices=AgentConsent.METHOD_CHOICES, widget=forms.RadioSelect, initial=AgentConsent.METHOD_SIGNATURE
    )
    file = forms.FileField(
        label=_("授权委托书扫描件或签字图片"), required=False, help_text=_("书面授权：PDF、JPEG 或 PNG；现场签字：JPEG 或 PNG")
    )
    phone = forms.CharField(label=_("接收验证码的手机号"), max_length=20, required=False, help_text=_("不填则用居民登记的手机号"))
    valid_until = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("指定事项的授权最长一年；全部事项固定 90 天"),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, items_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = items_queryset if items_queryset is not None else Item.objects.none()


class HandOverForm(forms.Form):
    step = forms.TypedChoiceField(choices=HandOver.STEP_CHOICES, coerce=int, widget=forms.HiddenInput)
    papers = forms.CharField(label=_("交接的材料或结果"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一项"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    signature = forms.FileField(label=_("居民签收图片"), required=False, help_text=_("送达时上传居民签字的照片（JPEG 或 PNG）"))

    def paper_list(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("papers") or "").splitlines() if line.strip()]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), max_length=300, required=False)
