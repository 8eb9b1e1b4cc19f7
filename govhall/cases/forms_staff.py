"""Forms of the staff case pages. They only shape the input for one service call; the rules live in
the services, whose errors come back by field name and are put next to that field
(`apply_errors`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import Case, CaseMaterial, CasePause, CaseTask
from govhall.cases.services import MaterialFinding, SupplementPoint
from govhall.catalog.models import ItemVersion, Material
from govhall.core.errors import DomainError
from govhall.org.models import Department

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How many free 补正 points (materials outside the item's list, or anything else) the page offers.
EXTRA_POINTS = 3


def apply_errors(form: forms.Form, exc: DomainError, field_map: Mapping[str, str] | None = None) -> None:
    """Put each service error next to its field; errors of no field of this form go on top."""
    field_map = field_map or {}
    for error in exc.errors:
        target = field_map.get(error.field, error.field)
        if target and target in form.fields:
            form.add_error(target, str(error.message))
        else:
            form.add_error(None, str(error.message))


def _text(
    label, *, required: bool = True, required_message: StrOrPromise = "", max_length: int = 500, rows: int = 0, **kwargs
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(attrs={"size": 50})
    messages = {"required": required_message} if required_message else {}
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget, error_messages=messages, **kwargs)


# --- the window: find or register an applicant, submit on their behalf ------------------------


class LookupForm(forms.Form):
    id = forms.CharField(
        label=_("公民身份号码或统一社会信用代码"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"size": 24, "autofocus": True, "autocomplete": "off"}),
        error_messages={"required": _("请输入申请人的证件号码"), "min_length": _("证件号码应为18位")},
    )

    def clean_id(self) -> str:
        return self.cleaned_data["id"].strip().upper()


class PersonRegisterForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput, initial="person")
    name = forms.CharField(label=_("姓名"), max_length=100, error_messages={"required": _("请填写姓名")})
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, error_messages={"required": _("请填写公民身份号码")})
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 40}))


class EnterpriseRegisterForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput, initial="enterprise")
    name = forms.CharField(label=_("名称"), max_length=200, error_messages={"required": _("请填写名称")})
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, error_messages={"required": _("请填写统一社会信用代码")})
    legal_representative_name = forms.CharField(label=_("法定代表人"), max_length=100, error_messages={"required": _("请填写法定代表人")})
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住所"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 40}))


# The keys of the application form a window clerk fills in (Case.form), with their labels.
FORM_LABELS = {"contact_name": _("联系人"), "contact_phone": _("联系电话"), "address": _("地址"), "note": _("申请说明")}


class WalkInForm(forms.Form):
    """The application of a walk-in applicant: the situation answers and a short form. One radio
    group per situation question of the item's current version."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    gaozhi = forms.BooleanField(label=_("申请人选择告知承诺制办理（以书面承诺代替部分证明材料）"), required=False)
    contact_name = forms.CharField(label=FORM_LABELS["contact_name"], max_length=100, required=False)
    contact_phone = forms.CharField(label=FORM_LABELS["contact_phone"], max_length=20, required=False)
    address = forms.CharField(label=FORM_LABELS["address"], max_length=200, required=False, widget=forms.TextInput(attrs={"size": 40}))
    note = forms.CharField(label=FORM_LABELS["note"], max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, version: ItemVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.question_keys: list[str] = []
        for question in version.questions.prefetch_related("options").order_by("seq"):
            name = f"q-{question.key}"
            self.fields[name] = forms.ChoiceField(
                label=question.text,
                choices=[(f"{question.key}.{o.key}", o.label) for o in question.options.order_by("seq")],
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择“%(question)s”") % {"question": question.text}},
            )
            self.question_keys.append(name)
        if not version.commitment_allowed:
            del self.fields["gaozhi"]

    def questions(self):
        return [self[name] for name in self.question_keys]

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.question_keys if self.cleaned_data.get(name)]

    def application(self) -> dict[str, str]:
        return {key: self.cleaned_data[key].strip() for key in FORM_LABELS if (self.cleaned_data.get(key) or "").strip()}


# --- acceptance --------------------------------------------------------------------------------

DECISION_ACCEPT, DECISION_REFUSE, DECISION_SUPPLEMENT, DECISION_RONGQUE = "accept", "refuse", "supplement", "rongque"
DECISIONS = (DECISION_ACCEPT, DECISION_REFUSE, DECISION_SUPPLEMENT, DECISION_RONGQUE)
REVIEW_CHOICES = [(value, label) for value, label in CaseMaterial.REVIEW_CHOICES if value]
DEFAULT_PROBLEMS = {
    CaseMaterial.REVIEW_MISSING: _("未提交该材料，请补交"),
    CaseMaterial.REVIEW_DEFECTIVE: _("材料有误，请按要求更正后重新提交"),
}


class AcceptanceForm(forms.Form):
    """Pre-review of one submission: a finding on every material of the list, then the fields of
    the decision the clerk takes (each decision is its own submit button)."""

    reason = _text(_("不予受理的理由"), required=False, max_length=1000, rows=3)
    rongque_missing = forms.MultipleChoiceField(label=_("容缺的材料"), required=False, widget=forms.CheckboxSelectMultiple)
    commitment_text = _text(_("申请人的书面承诺"), required=False, max_length=2000, rows=3)
    days = forms.IntegerField(
        label=_("补齐期限（工作日）"),
        required=False,
        min_value=1,
        max_value=30,
        widget=forms.NumberInput(attrs={"min": 1, "max": 30, "class": "num"}),
        error_messages={"invalid": _("请填写整数")},
    )

    def __init__(
        self, *args, materials: Iterable[Material], uploaded: Mapping[int, list[CaseMaterial]], reviews: Mapping[int, Any], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        self.uploaded = uploaded
        for material in self.materials:
            review = reviews.get(material.pk)
            initial = review.result if review is not None else (CaseMaterial.REVIEW_OK if uploaded.get(material.pk) else None)
            self.fields[f"m-{material.pk}-result"] = forms.ChoiceField(
                label=material.name, choices=REVIEW_CHOICES, required=False, widget=forms.RadioSelect, initial=initial
            )
            self.fields[f"m-{material.pk}-note"] = forms.CharField(
                label=_("说明"),
                required=False,
                max_length=300,
                initial=review.note if review is not None else "",
                widget=forms.TextInput(attrs={"size": 30, "placeholder": _("缺少或有误时写明问题")}),
            )
        for index in range(EXTRA_POINTS):
            self.fields[f"extra-{index}-name"] = forms.CharField(label=_("材料或事项"), required=False, max_length=200)
            self.fields[f"extra-{index}-problem"] = forms.CharField(label=_("需补正的内容"), required=False, max_length=300)
        rongque = [m for m in self.materials if m.rongque_allowed]
        cast(forms.ChoiceField, self.fields["rongque_missing"]).choices = [(str(m.pk), m.name) for m in rongque]
        if not self.is_bound:
            self.fields["days"].initial = settings.GOVHALL_RONGQUE_DAYS
            flagged = [str(m.pk) for m in rongque if reviews.get(m.pk) is not None and reviews[m.pk].result != CaseMaterial.REVIEW_OK]
            self.fields["rongque_missing"].initial = flagged

    # Rows for the template: the material, its files, its two fields.
    def material_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "material": m,
                "files": self.uploaded.get(m.pk, []),
                "result": self[f"m-{m.pk}-result"],
                "note": self[f"m-{m.pk}-note"],
            }
            for m in self.materials
        ]

    def extra_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"extra-{i}-name"], self[f"extra-{i}-problem"]) for i in range(EXTRA_POINTS)]

    def _result(self, material: Material) -> str:
        return self.cleaned_data.get(f"m-{material.pk}-result") or ""

    def _note(self, material: Material) -> str:
        return (self.cleaned_data.get(f"m-{material.pk}-note") or "").strip()

    def findings(self) -> list[MaterialFinding]:
        return [MaterialFinding(material_id=m.pk, result=self._result(m), note=self._note(m)) for m in self.materials if self._result(m)]

    def require_every_finding(self) -> bool:
        """Before 受理 the clerk has looked at every required material (审查要点 against the list)."""
        ok = True
        for material in self.materials:
            if material.required and not self._result(material):
                self.add_error(f"m-{material.pk}-result", _("请选择审核结果"))
                ok = False
        return ok

    def supplement_points(self) -> list[SupplementPoint] | None:
        """Every flagged material is a point (一次性告知), then the free points. None when a point
        lacks what the notice must say."""
        points: list[SupplementPoint] = []
        complete = True
        for material in self.materials:
            result = self._result(material)
            if result not in DEFAULT_PROBLEMS:
                continue
            note = self._note(material)
            if result == CaseMaterial.REVIEW_DEFECTIVE and not note:
                self.add_error(f"m-{material.pk}-note", _("请写明该材料存在的问题"))
                complete = False
                continue
            points.append(SupplementPoint(material_id=material.pk, problem=note or str(DEFAULT_PROBLEMS[result])))
        for index in range(EXTRA_POINTS):
            name = (self.cleaned_data.get(f"extra-{index}-name") or "").strip()
            problem = (self.cleaned_data.get(f"extra-{index}-problem") or "").strip()
            if name and not problem:
                self.add_error(f"extra-{index}-problem", _("请写明需要补正的内容"))
                complete = False
            elif problem and not name:
                self.add_error(f"extra-{index}-name", _("请写明需要补正的材料名称"))
                complete = False
            elif name:
                points.append(SupplementPoint(name=name, problem=problem))
        return points if complete else None

    def rongque_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("rongque_missing") or []]


class UploadForm(forms.Form):
    """A file the applicant hands over at the window (scanned), for one material of the list."""

    material = forms.TypedChoiceField(label=_("材料"), coerce=int, error_messages={"required": _("请选择材料")})
    file = forms.FileField(label=_("文件（PDF、JPEG 或 PNG）"), error_messages={"required": _("请选择要上传的文件")})
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, materials: Iterable[Material], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["material"]).choices = [("", _("请选择")), *[(m.pk, m.name) for m in materials]]


# --- approval ---------------------------------------------------------------------------------


class TaskForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("办理结论"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择办理结论"), "invalid_choice": _("办理结论须为同意、退回或不同意")},
    )
    opinion = _text(_("办理意见"), required=False, max_length=1000, rows=3)

    def __init__(self, *args, task: CaseTask, **kwargs):
        super().__init__(*args, **kwargs)
        outcomes = dict(CaseTask.OUTCOME_CHOICES)
        allowed = [CaseTask.OUTCOME_APPROVE, CaseTask.OUTCOME_REJECT] + ([CaseTask.OUTCOME_RETURN] if task.is_decision else [])
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [(code, outcomes[code]) for code in allowed]


# 补正 during approval goes through the acceptance's supplement notice, not through a pause.
PAUSE_CHOICES = [(code, label) for code, label in CasePause.KIND_CHOICES if code != "supplement"]


class PauseStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("特别程序"), choices=PAUSE_CHOICES, error_messages={"required": _("请选择特别程序")})
    reason = _text(_("启动理由"), required_message=_("请填写启动特别程序的理由"))


class PauseEndForm(forms.Form):
    reason = _text(_("特别程序的结果"), required_message=_("请填写特别程序的结果"))


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(
        label=_("延长工作日"),
        widget=forms.NumberInput(attrs={"min": 1, "max": 10, "class": "num"}),
        error_messages={"required": _("请填写延长的工作日数"), "invalid": _("请填写整数")},
    )
    reason = _text(_("延期理由"), required_message=_("请填写延期理由"))


class ExtensionDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结论"),
        choices=[("1", _("批准延期")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否批准")},
    )
    note = _text(_("审批意见"), required=False)


class TerminateForm(forms.Form):
    reason = _text(_("终止办理的理由"), required_message=_("请填写终止办理的理由"), max_length=1000, rows=3)


class DeliverForm(forms.Form):
    method = forms.ChoiceField(
        label=_("送达方式"), choices=Case.DELIVERY_CHOICES, widget=forms.RadioSelect, error_messages={"required": _("请选择送达方式")}
    )
    address = _text(_("邮寄地址"), required=False, max_length=300)
    note = _text(_("送达说明"), required=False, max_length=300, help_text=_("邮件单号、电子送达地址、领取人等"))


class VerifyForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("1", _("承诺属实")), ("0", _("承诺不实（撤销许可并记入信用记录）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择核查结论")},
    )
    note = _text(_("核查情况"), required_message=_("请填写核查情况"), max_length=500, rows=3)


# --- process settings -------------------------------------------------------------------------

SOURCE_AUTO, SOURCE_BUILTIN, SOURCE_UPLOAD = "auto", "builtin", "upload"


class DepartmentsField(forms.ModelMultipleChoiceField):
    """Departments by their short names: a county has dozens, all beginning with its own name."""

    def label_from_instance(self, obj) -> str:
        return obj.short_name or obj.name


class ProcessForm(forms.Form):
    source = forms.ChoiceField(
        label=_("流程来源"),
        choices=[
            (SOURCE_AUTO, _("按事项自动选用默认模板（即办件／承诺件／制证／会商）")),
            (SOURCE_BUILTIN, _("指定内置模板")),
            (SOURCE_UPLOAD, _("上传 BPMN 2.0 模型文件")),
        ],
        widget=forms.RadioSelect,
        initial=SOURCE_AUTO,
        error_messages={"required": _("请选择流程来源")},
    )
    builtin = forms.ChoiceField(label=_("内置模板"), required=False)
    bpmn = forms.FileField(label=_("BPMN 文件"), required=False)
    co_departments = DepartmentsField(
        label=_("会商部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选会商部门不可选")},
    )
    reason = _text(_("设置原因"), required_message=_("请填写设置原因"))

    def __init__(self, *args, builtins: Iterable[tuple[str, str]], departments, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["builtin"]).choices = [("", _("请选择")), *builtins]
        co = cast(forms.ModelMultipleChoiceField, self.fields["co_departments"])
        co.queryset = departments

    def clean(self):
        data = super().clean()
        source = data.get("source")
        if source == SOURCE_BUILTIN and not data.get("builtin"):
            self.add_error("builtin", _("请选择内置模板"))
        if source == SOURCE_UPLOAD and not data.get("bpmn"):
            self.add_error("bpmn", _("请选择 BPMN 文件"))
        return data
