"""Forms of the anomaly and task pages. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.anomalies.models import AnomalyHit, SupervisionTask, TaskAnswer
from govhall.anomalies.services import MAX_DUE_DAYS
from govhall.org.models import Department, Window


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class WindowChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.centre.name} {obj.number} {obj.name}"


class HitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.pk} {obj.summary}"


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("排除理由"), max_length=500, required=False, widget=_textarea(3))


class AssignForm(forms.Form):
    target_kind = forms.ChoiceField(
        label=_("交办对象"), choices=SupervisionTask.TARGET_CHOICES, initial=SupervisionTask.TARGET_DEPARTMENT, widget=forms.RadioSelect
    )
    department = forms.ModelChoiceField(
        label=_("承办部门"), queryset=Department.objects.filter(is_active=True).order_by("id"), required=False
    )
    window = WindowChoiceField(
        label=_("承办窗口"),
        queryset=Window.objects.filter(is_active=True).select_related("centre").order_by("centre_id", "number"),
        required=False,
        help_text=_("交办给窗口时由窗口所在服务中心答复"),
    )
    due_days = forms.IntegerField(label=_("办理时限（工作日）"), min_value=1, max_value=MAX_DUE_DAYS, initial=5)
    title = forms.CharField(label=_("任务标题"), max_length=200, required=False)
    description = forms.CharField(label=_("交办内容"), required=False, widget=_textarea(4))
    suggestions = forms.CharField(label=_("整改建议（每行一条，选填）"), required=False, widget=_textarea(3))
    also = HitChoiceField(
        label=_("同时交办以下待复核异常"), queryset=AnomalyHit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, others=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["also"].queryset = others if others is not None else AnomalyHit.objects.none()

    def suggestion_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("suggestions", "").splitlines() if line.strip()]


class AnswerForm(forms.Form):
    content = forms.CharField(label=_("核查情况及答复"), required=False, widget=_textarea(4))
    category = forms.ChoiceField(label=_("整改类别"), choices=[("", "—"), *TaskAnswer.CATEGORY_CHOICES], required=False)
    measures = forms.CharField(label=_("整改措施"), required=False, widget=_textarea(3))
    adopted = forms.MultipleChoiceField(label=_("采纳的整改建议"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted"].choices = [(str(s.pk), s.text) for s in suggestions]
        if not suggestions:
            del self.fields["adopted"]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("办结结论"),
        choices=[(SupervisionTask.STATUS_RECTIFIED, _("已整改")), (SupervisionTask.STATUS_CLOSED, _("已办结（无需整改）"))],
        initial=SupervisionTask.STATUS_RECTIFIED,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("办结意见"), max_length=500, required=False, widget=_textarea(2))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, required=False, widget=_textarea(2))
    due_days = forms.IntegerField(label=_("重新办理时限（工作日）"), min_value=1, max_value=MAX_DUE_DAYS, initial=5)


class SuggestionForm(forms.Form):
    text = forms.CharField(label=_("整改建议"), max_length=500, required=False, widget=_textarea(2))
