"""事项流程设置 (CASE-4): which approval process an item's cases run — the automatic default, a
named built-in template, or an uploaded BPMN 2.0 model — and which departments review in parallel
(会商联审). A broken model is refused by the engine with the reason, shown next to the file field.

A department admin sets their own department's items; another department's item is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from lxml import etree

from govhall.cases import services
from govhall.cases.forms_staff import SOURCE_BUILTIN, SOURCE_UPLOAD, ProcessForm, apply_errors
from govhall.cases.models import CaseTask, ProcessBinding, ProcessDefinition
from govhall.cases.views_staff import require_perm
from govhall.cases.workflows.engine import BPMN_NS, BUILTIN, MAX_UPLOAD_BYTES
from govhall.catalog.models import Item
from govhall.catalog.selectors import get_item_for_editor, items_for_editor, items_matching
from govhall.core.errors import DomainError
from govhall.core.http import attachment_disposition
from govhall.org.models import Department

PAGE_SIZE = 30
ROLE_LABELS = dict(CaseTask.ROLE_CHOICES)


def _require(request: HttpRequest) -> None:
    require_perm(request.user, "cases.manage_processes")


def _builtins() -> list[tuple[str, str]]:
    return [(code, name) for code, (name, _file) in BUILTIN.items()]


def process_steps(definition: ProcessDefinition) -> list[dict[str, str]]:
    """The human steps of a model as written (name and role), for people to read: the engine runs
    the model, this only lists its user tasks in document order."""
    try:
        root = etree.fromstring(definition.bpmn.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []
    lanes: dict[str, str] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef"):
            lanes[(ref.text or "").strip()] = lane.get("name") or ""
    steps = []
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        role = lanes.get(task.get("id") or "", "")
        parallel = task.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics") is not None
        steps.append(
            {
                "name": task.get("name") or task.get("id") or "",
                "role": str(ROLE_LABELS.get(role, role)),
                "parallel": _("各会商部门并行") if parallel else "",
            }
        )
    return steps


@login_required
@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    q = request.GET.get("q", "").strip()
    qs = items_matching(items_for_editor(user=request.user).exclude(status=Item.STATUS_CANCELLED), q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for item in page.object_list:
        definition, co = services.process_for_version(item.current)
        bound = ProcessBinding.objects.filter(item=item).exists()
        rows.append({"item": item, "definition": definition, "co": co, "bound": bound})
    context = {"page": page, "rows": rows, "q": q}
    return render(request, "cases/staff/processes.html", context)


def _process_context(item: Item, form: ProcessForm) -> dict[str, Any]:
    version = item.current
    definition, co = services.process_for_version(version)
    bindings = ProcessBinding.objects.filter(item=item).select_related("definition", "created_by", "from_version").order_by("-id")
    return {
        "item": item,
        "version": version,
        "definition": definition,
        "co": co,
        "steps": process_steps(definition),
        "bindings": [{"binding": b, "co": list(b.co_departments.order_by("id"))} for b in bindings],
        "form": form,
    }


def _departments(item: Item):
    return Department.objects.filter(is_active=True).exclude(pk=item.department_id).order_by("kind", "id")


@login_required
@require_http_methods(["GET", "POST"])
def process_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    _require(request)
    item = get_item_for_editor(user=request.user, item_id=item_id)
    if item.status == Item.STATUS_CANCELLED:
        raise Http404
    departments = _departments(item)
    if request.method == "GET":
        _current, co = services.process_for_version(item.current)
        binding = ProcessBinding.objects.filter(item=item).select_related("definition").order_by("-id").first()
        initial: dict[str, Any] = {"co_departments": [d.pk for d in co]}
        if binding is not None and binding.definition is not None:
            initial["source"] = SOURCE_BUILTIN if binding.definition.builtin else SOURCE_UPLOAD
            initial["builtin"] = binding.definition.builtin
        form = ProcessForm(initial=initial, builtins=_builtins(), departments=departments)
        return render(request, "cases/staff/process.html", _process_context(item, form))
    form = ProcessForm(request.POST, request.FILES, builtins=_builtins(), departments=departments)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        upload = data.get("bpmn") if data["source"] == SOURCE_UPLOAD else None
        try:
            services.process_bind(
                actor=request.user,
                item=item,
                reason=data["reason"],
                # One byte over the engine's limit is enough for it to refuse the file by its size.
                bpmn=upload.read(MAX_UPLOAD_BYTES + 1) if upload is not None else None,
                filename=upload.name if upload is not None else "",
                builtin=data.get("builtin", "") if data["source"] == SOURCE_BUILTIN else "",
                co_departments=list(data.get("co_departments") or []),
            )
        except DomainError as exc:
            apply_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("已保存“%(name)s”的审批流程，自当前版本起受理的办件按新流程办理") % {"name": item.name})
            return redirect("cases_staff:process", item_id=item.pk)
    return render(request, "cases/staff/process.html", _process_context(item, form), status=status)


@login_required
@require_GET
def definition_bpmn(request: HttpRequest, definition_id: int) -> HttpResponse:
    """The BPMN file of a model, to open in a modeller and upload a changed copy."""
    _require(request)
    definition = ProcessDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        raise Http404
    response = HttpResponse(definition.bpmn, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition(f"{definition.builtin or definition.process_id}.bpmn")
    return response
