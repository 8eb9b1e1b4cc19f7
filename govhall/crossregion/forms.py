"""Forms of the crossregion pages: they shape input for one service call; rules live in services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Item
from govhall.crossregion.models import SCOPE_CHOICES, CaseRoute, Peer, RemoteItem
from govhall.org.models import Division, ServiceCentre


def _codes(raw: str) -> list[str]:
    return [c for c in raw.replace("，", ",").replace("、", ",").replace("\n", ",").split(",") if c.strip()]


class AgreementForm(forms.Form):
    name = forms.CharField(label=_("协议名称"), max_length=100)
    accepting_division = forms.CharField(label=_("受理地区划代码"), max_length=12, required=False, help_text=_("该区划内的全部服务中心"))
    accepting_centres = forms.ModelMultipleChoiceField(label=_("受理地服务中心"), queryset=ServiceCentre.objects.none(), required=False)
    handling_division = forms.CharField(label=_("办理地区划代码（本系统）"), max_length=12, required=False)
    handling_peer = forms.ModelChoiceField(label=_("办理地（对端节点）"), queryset=Peer.objects.none(), required=False)
    item_codes = forms.CharField(
        label=_("通办事项编码"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("基本编码，逗号或换行分隔")
    )
    remote_items = forms.ModelMultipleChoiceField(label=_("对端通办事项"), queryset=RemoteItem.objects.none(), required=False)
    tongban_scope = forms.ChoiceField(label=_("按通办范围"), choices=SCOPE_CHOICES, required=False)
    valid_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args, centres, peers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepting_centres"].queryset = centres  # type: ignore[attr-defined]
        self.fields["handling_peer"].queryset = peers  # type: ignore[attr-defined]
        self.fields["remote_items"].queryset = RemoteItem.objects.filter(peer__in=peers).select_related("peer")  # type: ignore[attr-defined]

    def _division(self, field: str) -> Division | None:
        code = (self.cleaned_data.get(field) or "").strip()
        if not code:
            return None
        division = Division.objects.filter(code=code).first()
        if division is None:
            self.add_error(field, _("区划代码不存在"))
        return division

    def clean(self):
        data = super().clean() or {}
        data["accepting_division_obj"] = self._division("accepting_division")
        data["handling_division_obj"] = self._division("handling_division")
        codes = _codes(data.get("item_codes") or "")
        items = list(Item.objects.filter(code__in=[c.strip() for c in codes]))
        missing = sorted({c.strip() for c in codes} - {i.code for i in items})
        if missing:
            self.add_error("item_codes", _("没有这些事项：%(codes)s") % {"codes": "、".join(missing)})
        data["items"] = items
        return data


class PeerForm(forms.Form):
    node_id = forms.CharField(label=_("节点编码"), max_length=20)
    name = forms.CharField(label=_("名称"), max_length=100)
    base_url = forms.CharField(label=_("接口地址"), max_length=200)
    public_key = forms.CharField(label=_("SM2 公钥"), max_length=130, widget=forms.Textarea(attrs={"rows": 2}))
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
    remote_items = forms.CharField(
        label=_("对端事项"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("每行一项：对端事项编码 事项名称")
    )
    inbound_item_codes = forms.CharField(
        label=_("为对端办理的本地事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个本地事项编码；对端只能转送这些事项的办件"),
    )


class LookupForm(forms.Form):
    id = forms.CharField(label=_("公民身份号码或统一社会信用代码"), max_length=18, min_length=18)


class CrossAcceptForm(forms.Form):
    """The clerk's choice at the 跨区通办 window: which region's item, and where the result goes."""

    choice = forms.CharField(widget=forms.HiddenInput)
    delivery_choice = forms.ChoiceField(label=_("结果送达"), choices=CaseRoute.DELIVERY_CHOICES, widget=forms.RadioSelect)
    delivery_address = forms.CharField(label=_("邮寄地址"), max_length=300, required=False)
    # The application of a peer's item, forwarded with the case (Case.form keys as at the walk-in).
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("通讯地址"), max_length=200, required=False)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def application(self) -> dict[str, str]:
        keys = ("contact_name", "contact_phone", "address", "note")
        return {key: self.cleaned_data[key].strip() for key in keys if (self.cleaned_data.get(key) or "").strip()}
