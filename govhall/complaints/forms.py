"""Forms of the complaint, knowledge and 办不成事 pages. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Item
from govhall.complaints.models import CantDoProblem, Complaint, KnowledgeEntry
from govhall.org.models import Department


def _departments():
    return Department.objects.filter(is_active=True).order_by("id")


def _items():
    return Item.objects.filter(status=Item.STATUS_ACTIVE).select_related("department").order_by("department_id", "code")


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.department.short_name or obj.department.name}）"


class ItemMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.department.short_name or obj.department.name}）"


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ComplaintBaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Complaint.KIND_CHOICES, initial=Complaint.KIND_COMPLAINT)
    area = forms.ChoiceField(label=_("诉求领域"), choices=Complaint.AREA_CHOICES, initial="service")
    title = forms.CharField(label=_("标题"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 50}))
    content = forms.CharField(label=_("诉求内容"), required=False, widget=_textarea(6))
    anonymous = forms.BooleanField(label=_("匿名反映（不留姓名，无法回访）"), required=False)
    complainant_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    complainant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    related_department = forms.ModelChoiceField(label=_("涉及部门（选填）"), queryset=_departments(), required=False)


class ComplaintRegisterForm(ComplaintBaseForm):
    source = forms.ChoiceField(
        label=_("来源"), choices=[c for c in Complaint.SOURCE_CHOICES if c[0] != Complaint.SOURCE_WEB], initial=Complaint.SOURCE_WINDOW
    )
    hotline_number = forms.CharField(label=_("12345工单号"), max_length=40, required=False, help_text=_("来源为12345热线时必填"))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Complaint.URGENCY_CHOICES, initial=Complaint.URGENCY_NORMAL)
    complainant_id_number = forms.CharField(label=_("公民身份号码（选填）"), max_length=18, required=False)
    related_item = ItemChoiceField(label=_("涉及事项（选填）"), queryset=_items(), required=False)

    field_order = [
        "source",
        "hotline_number",
        "kind",
        "area",
        "urgency",
        "title",
        "content",
        "anonymous",
        "complainant_name",
        "complainant_phone",
    ]


class ComplaintPublicForm(ComplaintBaseForm):
    pass


class DispatchForm(forms.Form):
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=_departments(), required=False)
    note = forms.CharField(label=_("分派意见（选填）"), required=False, widget=_textarea(2))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复内容"), required=False, widget=_textarea(5))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由（如：不属于本部门职责，建议分派至……）"), required=False, widget=_textarea(2))


class CallbackForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("诉求人满意度"), choices=Complaint.SATISFACTION_CHOICES, widget=forms.RadioSelect, required=False
    )
    note = forms.CharField(label=_("回访记录（不满意时必填）"), required=False, widget=_textarea(2))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("办结说明（选填）"), required=False, widget=_textarea(2))


class EntryForm(forms.Form):
    question = forms.CharField(label=_("问题"), max_length=300, required=False, widget=forms.TextInput(attrs={"size": 60}))
    answer = forms.CharField(label=_("解答"), required=False, widget=_textarea(8))
    topic = forms.CharField(label=_("主题"), max_length=40, required=False)
    keywords = forms.CharField(label=_("关键词（空格分隔）"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=KnowledgeEntry.STATUS_CHOICES, initial=KnowledgeEntry.STATUS_PUBLISHED)
    items = ItemMultipleChoiceField(label=_("关联事项"), queryset=_items(), required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    department = forms.ModelChoiceField(label=_("维护部门"), queryset=_departments(), required=False)

    def __init__(self, *args, department: Department | None = None, centre_admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not centre_admin:
            del self.fields["department"]
            if department is not None:
                initial_items = self.initial.get("items") or []
                keep = [i.pk for i in initial_items]
                items_field = self.fields["items"]
                assert isinstance(items_field, forms.ModelMultipleChoiceField)
                items_field.queryset = _items().filter(department=department) | _items().filter(pk__in=keep)


class ProblemForm(forms.Form):
    reporter_name = forms.CharField(label=_("反映人"), max_length=60, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    wanted = forms.CharField(label=_("想办的事"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 50}))
    item = ItemChoiceField(label=_("相关事项（选填）"), queryset=_items(), required=False)
    description = forms.CharField(label=_("遇到的问题"), required=False, widget=_textarea(5))


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        staff = obj.staff
        place = staff.department.name if staff.department else (staff.centre.name if staff.centre else "")
        title = f" {staff.title}" if staff.title else ""
        return f"{obj.get_full_name() or obj.username}（{place}{title}）"


class EscalateForm(forms.Form):
    leader = LeaderChoiceField(label=_("包案领导"), queryset=get_user_model().objects.none(), required=False)
    note = forms.CharField(label=_("报送说明（选填）"), required=False, widget=_textarea(2))

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (
            get_user_model()
            .objects.filter(pk__in=[u.pk for u in leaders])
            .select_related("staff__department", "staff__centre")
            .order_by("staff__department_id", "id")
        )


class FinishForm(forms.Form):
    solved = forms.TypedChoiceField(
        label=_("结果"),
        choices=[("1", _("已解决")), ("0", _("无法解决"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    solution = forms.CharField(label=_("解决情况 / 无法解决的原因和解释"), required=False, widget=_textarea(4))
    root_causes = forms.MultipleChoiceField(
        label=_("问题根源"), choices=CantDoProblem.ROOT_CAUSES, widget=forms.CheckboxSelectMultiple, required=False
    )
