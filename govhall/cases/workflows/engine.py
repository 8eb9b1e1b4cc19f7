"""The approval process engine (CASE-4): BPMN 2.0 models run by SpiffWorkflow.

A model is plain BPMN 2.0 with three conventions, checked when a model is uploaded:

- every user task sits in a lane named after the role that does it: ``clerk`` (即办件 at the
  window), ``approver`` (审查), ``section_head`` (审核/决定), ``leader`` (分管领导), ``certifier`` (制证);
- the decision step's id starts with ``decide``; completing it sets ``decision`` to ``approved`` or
  ``denied``; every completed task sets ``outcome`` to ``approve``, ``return`` or ``reject``;
- a parallel multi-instance task over ``departments`` gives one task per 会商 department, whose
  code is the element variable ``department``; other tasks belong to the lead department.

Conditions may use ``outcome``, ``decision``, ``needs_certificate`` and ``departments`` with
comparisons, ``and``/``or``/``not`` and ``in`` only: an uploaded model never runs code (script and
service tasks, call activities and timers are refused). Before a model is accepted it is run to
its end twice, approving every step and then refusing at the decision, so a model that cannot
finish is refused with the reason rather than discovered on a citizen's case.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from govhall.core.errors import ValidationError

BPMN_DIR = Path(__file__).resolve().parent
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ROLES = ("clerk", "approver", "section_head", "leader", "certifier")
OUTCOMES = ("approve", "return", "reject")
DECISION_PREFIX = "decide"
MAX_UPLOAD_BYTES = 512 * 1024
# Elements that would run code or wait on clocks and messages the county does not model.
FORBIDDEN_ELEMENTS = {
    "scriptTask": "脚本任务",
    "serviceTask": "服务任务",
    "sendTask": "发送任务",
    "receiveTask": "接收任务",
    "businessRuleTask": "业务规则任务",
    "callActivity": "调用活动",
    "timerEventDefinition": "定时事件",
    "messageEventDefinition": "消息事件",
    "signalEventDefinition": "信号事件",
}
CONDITION_NAMES = {"outcome", "decision", "needs_certificate", "departments", "True", "False", "None"}

# The shipped defaults: code → (name, file). Which one a case runs follows from its item version
# unless an admin bound another (see services.process_for_version).
BUILTIN = {
    "instant": ("即办件", "instant.bpmn"),
    "promised": ("承诺件（审查→决定）", "promised.bpmn"),
    "promised_certify": ("承诺件（审查→决定→制证）", "promised_certify.bpmn"),
    "joint_review": ("多部门会商联审", "joint_review.bpmn"),
}

_serializer = BpmnWorkflowSerializer()


@dataclass(frozen=True)
class ReadyTask:
    spiff_id: str
    spec: str
    name: str
    role: str
    department_code: str | None
    is_decision: bool


@dataclass(frozen=True)
class Model:
    process_id: str
    name: str
    sha256: str
    spec: Any


def builtin_xml(code: str) -> str:
    return (BPMN_DIR / BUILTIN[code][1]).read_text(encoding="utf-8")


def _refuse(rule: str, message: str) -> ValidationError:
    return ValidationError("bpmn", rule, message)


def _check_condition(text: str) -> None:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise _refuse("condition", _("条件表达式“%(text)s”无法解析") % {"text": text}) from exc
    allowed = (
        ast.Expression,
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.Compare,
        ast.Eq,
        ast.NotEq,
        ast.In,
        ast.NotIn,
        ast.Name,
        ast.Load,
        ast.Constant,
        ast.List,
        ast.Tuple,
    )
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise _refuse("condition", _("条件表达式“%(text)s”只能使用比较和与或非") % {"text": text})
        if isinstance(node, ast.Name) and node.id not in CONDITION_NAMES:
            raise _refuse(
                "condition",
                _("条件表达式“%(text)s”使用了未知变量“%(name)s”，可用：outcome、decision、needs_certificate、departments")
                % {"text": text, "name": node.id},
            )


def _check_document(xml: bytes) -> etree._Element:
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise _refuse("xml", _("不是有效的 XML：%(error)s") % {"error": exc}) from exc
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise _refuse("bpmn", _("不是 BPMN 2.0 模型（根元素应为 bpmn:definitions）"))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in FORBIDDEN_ELEMENTS:
            raise _refuse(
                "element",
                _("模型含有不允许的元素“%(name)s”（%(id)s）：审批流程只能由人工任务、网关和事件组成")
                % {"name": FORBIDDEN_ELEMENTS[local], "id": element.get("id") or local},
            )
        if local == "conditionExpression" and (element.text or "").strip():
            _check_condition(element.text or "")
    processes = [p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("isExecutable") == "true"]
    if len(processes) != 1:
        raise _refuse("process", _('模型须有且只有一个可执行流程（isExecutable="true"），实有 %(n)d 个') % {"n": len(processes)})
    return processes[0]


@functools.lru_cache(maxsize=64)
def _parse(xml: bytes) -> Model:
    process = _check_document(xml)
    parser = BpmnParser(validator=BpmnValidator())
    try:
        parser.add_bpmn_str(xml)
        process_id = process.get("id") or ""
        spec = parser.get_spec(process_id)
    except ValidationException as exc:
        raise _refuse("schema", _("模型不符合 BPMN 2.0 规范：%(error)s") % {"error": exc}) from exc
    except Exception as exc:  # SpiffWorkflow raises many kinds while parsing a broken model
        raise _refuse("parse", _("模型无法解析：%(error)s") % {"error": exc}) from exc
    user_tasks = [ts for ts in spec.task_specs.values() if getattr(ts, "manual", False) and not ts.name.endswith("[child]")]
    if not user_tasks:
        raise _refuse("user_task", _("模型中没有人工任务（userTask）"))
    for ts in user_tasks:
        if ts.lane not in ROLES:
            raise _refuse(
                "lane",
                _("任务“%(task)s”须放在以角色命名的泳道中（%(roles)s），现为“%(lane)s”")
                % {"task": ts.bpmn_name or ts.bpmn_id, "roles": "、".join(ROLES), "lane": ts.lane or _("无泳道")},
            )
    if not any((ts.bpmn_id or "").startswith(DECISION_PREFIX) for ts in user_tasks):
        raise _refuse("decision", _("模型中须有决定环节（任务标识以 decide 开头）"))
    model = Model(process_id=process_id, name=process.get("name") or process_id, sha256=hashlib.sha256(xml).hexdigest(), spec=spec)
    return model


def load(xml: str | bytes) -> Model:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return _parse(data)


def check_upload(xml: bytes) -> Model:
    """Validate an uploaded model; refuse it with a ValidationError naming the reason."""
    if len(xml) > MAX_UPLOAD_BYTES:
        raise _refuse("size", _("模型文件超过 %(kb)d KB") % {"kb": MAX_UPLOAD_BYTES // 1024})
    try:
        # Stored as text and parsed again when a case starts: only UTF-8 survives that round trip.
        xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse("encoding", _("模型文件须为 UTF-8 编码")) from exc
    model = load(xml)
    for path, choose in (("approve", lambda task: "approve"), ("reject", lambda task: "reject" if task.is_decision else "approve")):
        try:
            _dry_run(model, choose)
        except ValidationError as exc:
            if exc.errors and exc.errors[0].field == "bpmn":
                raise
            raise _refuse("run", _("模型试运行（%(path)s）出错：%(error)s") % {"path": path, "error": exc.errors[0].message}) from exc
        except Exception as exc:
            raise _refuse("run", _("模型试运行（%(path)s）出错：%(error)s") % {"path": path, "error": exc}) from exc
    return model


def _dry_run(model: Model, choose) -> None:
    state, ready, finished = start(model, {"departments": ["A", "B"], "needs_certificate": True, "lead_department": "A"})
    decided = False
    for _step in range(200):
        if finished:
            if not decided:
                # The case would reach its end with no decision: the last step would fail on every case.
                raise _refuse("no_decision", _("模型试运行结束时没有经过决定环节：每条路径都须先作出决定"))
            return
        if not ready:
            raise _refuse("stuck", _("模型试运行停在没有待办任务的状态：流程无法结束"))
        task = ready[0]
        outcome = choose(task)
        decided = decided or (task.is_decision and outcome != "return")
        state, ready, finished = complete(state, task.spiff_id, outcome)
    raise _refuse("loop", _("模型试运行 200 步仍未结束：流程中可能有死循环"))


def _ready(workflow: BpmnWorkflow) -> list[ReadyTask]:
    tasks = []
    for task in workflow.get_tasks(state=TaskState.READY):
        spec = task.task_spec
        if not getattr(spec, "manual", False):
            continue
        is_child = spec.name.endswith("[child]")
        tasks.append(
            ReadyTask(
                spiff_id=str(task.id),
                spec=spec.bpmn_id or spec.name,
                name=spec.bpmn_name or spec.bpmn_id or spec.name,
                role=spec.lane or "approver",
                department_code=(task.data.get("department") if is_child else None),
                is_decision=(spec.bpmn_id or "").startswith(DECISION_PREFIX),
            )
        )
    return tasks


def _engine_steps(workflow: BpmnWorkflow) -> tuple[str, list[ReadyTask], bool]:
    try:
        workflow.do_engine_steps()
    except WorkflowException as exc:
        raise ValidationError("process", "engine", _("流程引擎出错：%(error)s") % {"error": exc}) from exc
    finished = workflow.is_completed()
    return _serializer.serialize_json(workflow), ([] if finished else _ready(workflow)), finished


def start(model: Model, data: dict[str, Any]) -> tuple[str, list[ReadyTask], bool]:
    """Start a process with the case's data (departments, needs_certificate, lead_department)."""
    workflow = BpmnWorkflow(model.spec)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update({"outcome": "", "decision": "", **data})
    return _engine_steps(workflow)


def complete(state: str, spiff_id: str, outcome: str) -> tuple[str, list[ReadyTask], bool]:
    """Complete one ready user task with its outcome and run the engine to the next wait state."""
    if outcome not in OUTCOMES:
        raise ValidationError("outcome", "choice", _("办理结论须为同意、退回或不同意"))
    workflow = _serializer.deserialize_json(state)
    task = next((t for t in workflow.get_tasks(state=TaskState.READY) if str(t.id) == spiff_id), None)
    if task is None:
        raise ValidationError("task", "not_ready", _("该环节已办理或已不在待办状态"))
    # The element variable of a 会商 instance must not flow on into the next step (or into the
    # next round of the same multi-instance after a 退回).
    if isinstance(task.task_spec, MultiInstanceTask) or task.task_spec.name.endswith("[child]"):
        task.data.pop("department", None)
    task.data["outcome"] = outcome
    if (task.task_spec.bpmn_id or "").startswith(DECISION_PREFIX) and outcome != "return":
        task.data["decision"] = "approved" if outcome == "approve" else "denied"
    task.run()
    return _engine_steps(workflow)


def workflow_data(state: str) -> dict[str, Any]:
    """The data at the end of a finished process (decision, outcome)."""
    workflow = _serializer.deserialize_json(state)
    return dict(workflow.data or {}) | dict(workflow.last_task.data if workflow.last_task else {})
