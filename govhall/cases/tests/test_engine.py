"""The approval process (CASE-4): each default path, 会商联审 in parallel, broken uploads refused with
the reason, and a custom model that applies to the next case while running cases keep theirs."""

import datetime as dt

import pytest

from govhall.cases.models import Case, CaseDocument, CaseTask, ProcessBinding, ProcessDefinition
from govhall.cases.services import case_accept, process_bind, process_for_version, task_complete
from govhall.cases.tests.case_steps import event_kinds, first_error, instant_item, on, only_open_task, open_tasks, plain_item, submit
from govhall.core.errors import PermissionDenied, ValidationError

MONDAY = dt.date(2026, 11, 2)


@pytest.fixture
def users(county):
    return county.users


def _accepted(users, item, person, *, answers=("q1.a", "q2.y")):
    with on(MONDAY):
        case = submit(users["applicant"], item, person=person, answers=answers)
        case_accept(actor=users["clerk"], case=case)
    case.refresh_from_db()
    return case


def _do(case, actor, outcome="approve", opinion=""):
    """Complete the case's only open task."""
    with on(MONDAY):
        return task_complete(actor=actor, task=only_open_task(case), outcome=outcome, opinion=opinion)


# --- the defaults ---------------------------------------------------------------------------------


def test_an_instant_case_is_decided_by_the_clerk_at_the_window(users, person, county):
    case = _accepted(users, instant_item(), person, answers=())
    task = only_open_task(case)
    assert (task.name, task.role, task.centre, task.department) == ("当场办结", "clerk", county.centre, None)
    assert task.is_decision
    _do(case, users["clerk"])
    case.refresh_from_db()
    assert (case.status, case.decision) == (Case.STATUS_TO_DELIVER, Case.DECISION_APPROVED)
    assert case.documents.get(kind=CaseDocument.KIND_APPROVAL).number == "准字〔2026〕第00001号"
    assert case.process.finished is True
    assert event_kinds(case)[-4:] == ["task_completed", "decided", "document_issued", "process_finished"]


def test_a_promised_case_goes_from_review_to_the_section_heads_decision(users, person):
    case = _accepted(users, plain_item(), person, answers=())
    review = only_open_task(case)
    assert (review.name, review.role, review.department.short_name) == ("审查", "approver", "市场监管局")
    _do(case, users["approver"], opinion="材料齐全")
    decide = only_open_task(case)
    assert (decide.name, decide.role, decide.is_decision) == ("决定", "section_head", True)
    _do(case, users["section_head"])
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER
    assert case.get_status_display() == "待送达"
    assert not open_tasks(case)


def test_a_returned_case_goes_back_to_review_and_can_then_be_approved(users, person):
    case = _accepted(users, plain_item(), person, answers=())
    _do(case, users["approver"])
    _do(case, users["section_head"], "return", "请核实经营场所面积")
    case.refresh_from_db()
    again = only_open_task(case)
    assert (again.name, again.role) == ("审查", "approver")
    assert case.decision == ""
    returned = case.events.filter(kind="task_completed").last()
    assert (returned.after["outcome"], returned.after["opinion"]) == ("return", "请核实经营场所面积")
    _do(case, users["approver"], opinion="已核实")
    _do(case, users["section_head"])
    case.refresh_from_db()
    assert (case.status, case.decision) == (Case.STATUS_TO_DELIVER, Case.DECISION_APPROVED)
    assert CaseTask.objects.filter(case=case, name="审查").count() == 2


def test_returning_needs_an_opinion(users, person):
    case = _accepted(users, plain_item(), person, answers=())
    _do(case, users["approver"])
    with pytest.raises(ValidationError) as caught:
        _do(case, users["section_head"], "return")
    assert first_error(caught) == ("opinion", "required", "不同意或退回时须填写意见")
    assert only_open_task(case).name == "决定"


def test_only_the_decision_step_can_return(users, person):
    case = _accepted(users, plain_item(), person, answers=())
    with pytest.raises(ValidationError) as caught:
        _do(case, users["approver"], "return", "退回")
    assert first_error(caught) == ("outcome", "return_at_decision", "只有决定环节可以退回重审")


def test_a_licence_is_made_after_an_approval(users, person, food):
    case = _accepted(users, food, person)
    _do(case, users["approver"])
    _do(case, users["section_head"])
    case.refresh_from_db()
    assert case.decision == Case.DECISION_APPROVED
    assert case.status == Case.STATUS_IN_PROGRESS
    certify = only_open_task(case)
    assert (certify.name, certify.role, certify.department.short_name) == ("制证", "certifier", "市场监管局")
    _do(case, users["approver"])
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER


def test_a_denial_issues_the_denial_with_its_reason_and_makes_no_licence(users, person, food):
    case = _accepted(users, food, person)
    _do(case, users["approver"])
    _do(case, users["section_head"], "reject", "经营场所不符合食品安全要求")
    case.refresh_from_db()
    assert (case.status, case.decision) == (Case.STATUS_TO_DELIVER, Case.DECISION_DENIED)
    assert case.decision_reason == "经营场所不符合食品安全要求"
    denial = case.documents.get(kind=CaseDocument.KIND_DENIAL)
    assert denial.get_kind_display() == "不予决定书"
    assert denial.number == "不准字〔2026〕第00001号"
    assert denial.body["reason"] == "经营场所不符合食品安全要求"
    assert not CaseTask.objects.filter(case=case, name="制证").exists()


def test_a_denial_needs_the_reason(users, person, food):
    case = _accepted(users, food, person)
    _do(case, users["approver"])
    with pytest.raises(ValidationError) as caught:
        _do(case, users["section_head"], "reject")
    assert first_error(caught)[:2] == ("opinion", "required")


def test_a_task_is_done_once(users, person):
    case = _accepted(users, plain_item(), person, answers=())
    review = only_open_task(case)
    task_complete(actor=users["approver"], task=review, outcome="approve")
    from govhall.core.errors import Conflict

    with pytest.raises(Conflict) as caught:
        task_complete(actor=users["section_head"], task=review, outcome="approve")
    assert "该环节已被他人办理" in str(caught.value)


# --- 会商联审 ---------------------------------------------------------------------------------------


@pytest.fixture
def joint_case(users, person, food, county):
    process_bind(actor=users["dept_admin"], item=food, reason="会商联审", co_departments=[county.departments["公安局"]])
    return _accepted(users, food, person)


def _review_of(case, short_name):
    return next(t for t in open_tasks(case) if t.department.short_name == short_name)


def test_joint_review_opens_one_review_per_department_at_once(joint_case):
    tasks = open_tasks(joint_case)
    assert sorted((t.name, t.department.short_name) for t in tasks) == [("会商审查", "公安局"), ("会商审查", "市场监管局")]
    assert joint_case.process.definition.builtin == "joint_review"


def test_joint_review_decision_waits_for_both_departments(joint_case, users):
    task_complete(actor=users["police_approver"], task=_review_of(joint_case, "公安局"), outcome="approve", opinion="无违法记录")
    remaining = open_tasks(joint_case)
    assert [(t.name, t.department.short_name) for t in remaining] == [("会商审查", "市场监管局")]
    task_complete(actor=users["approver"], task=remaining[0], outcome="approve")
    decide = only_open_task(joint_case)
    assert (decide.name, decide.role, decide.department.short_name) == ("联审决定", "section_head", "市场监管局")


def test_a_department_disagreeing_in_joint_review_is_recorded_for_the_decision(joint_case, users):
    task_complete(actor=users["police_approver"], task=_review_of(joint_case, "公安局"), outcome="reject", opinion="申请人有在逃记录")
    task_complete(actor=users["approver"], task=_review_of(joint_case, "市场监管局"), outcome="approve")
    opinions = {e.after["department"]: e.after["outcome"] for e in joint_case.events.filter(kind="task_completed")}
    assert opinions == {"新巴尔虎右旗公安局": "reject", "新巴尔虎右旗市场监督管理局": "approve"}
    assert only_open_task(joint_case).is_decision


def test_a_returned_joint_review_asks_both_departments_again(joint_case, users):
    task_complete(actor=users["police_approver"], task=_review_of(joint_case, "公安局"), outcome="approve")
    task_complete(actor=users["approver"], task=_review_of(joint_case, "市场监管局"), outcome="approve")
    task_complete(actor=users["section_head"], task=only_open_task(joint_case), outcome="return", opinion="请公安局补充核查")
    assert sorted(t.department.short_name for t in open_tasks(joint_case)) == ["公安局", "市场监管局"]


def test_the_co_department_sees_the_case_through_its_task(joint_case, users):
    from govhall.cases.selectors import get_case_for_user, tasks_for_staff

    assert get_case_for_user(user=users["police_approver"], case_id=joint_case.pk) == joint_case
    assert [t.case for t in tasks_for_staff(user=users["police_approver"])] == [joint_case]


def test_the_lead_department_cannot_be_its_own_co_department(users, food, county):
    with pytest.raises(ValidationError) as caught:
        process_bind(actor=users["dept_admin"], item=food, reason="会商", co_departments=[county.departments["市场监管局"]])
    assert first_error(caught) == ("co_departments", "lead", "会商部门不能包含实施主体本身")


# --- uploads ----------------------------------------------------------------------------------------

BPMN_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="upload" '
    'targetNamespace="https://govhall.example/bpmn">'
)
START = '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="review"/>'
REVIEW = '<bpmn:userTask id="review" name="初审"/>'
END = '<bpmn:endEvent id="end"/>'


def bpmn(lanes: dict[str, list[str]], body: str, *, process_id: str = "three_step") -> bytes:
    lane_xml = "".join(
        f'<bpmn:lane id="lane_{role}" name="{role}">'
        + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs)
        + "</bpmn:lane>"
        for role, refs in lanes.items()
    )
    return (
        f'{BPMN_HEAD}<bpmn:process id="{process_id}" name="初审→复审→分管领导决定" isExecutable="true">'
        f'<bpmn:laneSet id="lanes">{lane_xml}</bpmn:laneSet>{body}</bpmn:process></bpmn:definitions>'
    ).encode()


def flow(source: str, target: str, condition: str = "") -> str:
    cond = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="f_{source}_{target}" sourceRef="{source}" targetRef="{target}">{cond}</bpmn:sequenceFlow>'


THREE_STEP = bpmn(
    {"approver": ["review"], "section_head": ["recheck"], "leader": ["decide_leader"]},
    START
    + REVIEW
    + flow("review", "recheck")
    + '<bpmn:userTask id="recheck" name="复审"/>'
    + flow("recheck", "decide_leader")
    + '<bpmn:userTask id="decide_leader" name="分管领导决定"/>'
    + flow("decide_leader", "end")
    + END,
)


def _simple(lanes: dict[str, list[str]], decide_task: str = '<bpmn:userTask id="decide" name="决定"/>', extra: str = "") -> bytes:
    return bpmn(lanes, START + REVIEW + flow("review", "decide") + decide_task + flow("decide", "end") + extra + END)


BROKEN = {
    "not_xml": ("<bpmn:definitions>未闭合".encode(), "xml", "不是有效的 XML"),
    "not_bpmn": ('<?xml version="1.0"?><workflow><step name="审查"/></workflow>'.encode(), "bpmn", "不是 BPMN 2.0 模型"),
    "not_utf8": (
        ('<?xml version="1.0" encoding="GBK"?>\n' + THREE_STEP.decode().split("\n", 1)[1]).encode("gbk"),
        "encoding",
        "模型文件须为 UTF-8 编码",
    ),
    "wrong_lane": (
        _simple({"approver": ["review"], "manager": ["decide"]}),
        "lane",
        "任务“决定”须放在以角色命名的泳道中（clerk、approver、section_head、leader、certifier），现为“manager”",
    ),
    "script_task": (
        bpmn(
            {"approver": ["review"], "section_head": ["decide"]},
            START
            + REVIEW
            + flow("review", "calc")
            + '<bpmn:scriptTask id="calc"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
            + flow("calc", "decide")
            + '<bpmn:userTask id="decide" name="决定"/>'
            + flow("decide", "end")
            + END,
        ),
        "element",
        "模型含有不允许的元素“脚本任务”（calc）",
    ),
    "unsafe_condition": (
        bpmn(
            {"approver": ["review"], "section_head": ["decide"]},
            START
            + REVIEW
            + flow("review", "decide")
            + '<bpmn:userTask id="decide" name="决定"/>'
            + flow("decide", "gw")
            + '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/>'
            + flow("gw", "review", "__import__('os').system('rm -rf /') == 0")
            + flow("gw", "end")
            + END,
        ),
        "condition",
        "只能使用比较和与或非",
    ),
    "unknown_variable": (
        bpmn(
            {"approver": ["review"], "section_head": ["decide"]},
            START
            + REVIEW
            + flow("review", "decide")
            + '<bpmn:userTask id="decide" name="决定"/>'
            + flow("decide", "gw")
            + '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/>'
            + flow("gw", "review", 'applicant == "张三"')
            + flow("gw", "end")
            + END,
        ),
        "condition",
        "使用了未知变量“applicant”",
    ),
    "no_decision_step": (
        bpmn({"approver": ["review"]}, START + REVIEW + flow("review", "end") + END),
        "decision",
        "模型中须有决定环节（任务标识以 decide 开头）",
    ),
    "never_finishes": (
        bpmn(
            {"approver": ["review"], "section_head": ["decide"]},
            START
            + REVIEW
            + flow("review", "decide")
            + '<bpmn:userTask id="decide" name="决定"/>'
            + flow("decide", "gw")
            + '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/>'
            + flow("gw", "review", 'outcome == "approve"')
            + flow("gw", "end")
            + END,
        ),
        "loop",
        "流程中可能有死循环",
    ),
    "dead_end_gateway": (
        bpmn(
            {"approver": ["review"], "section_head": ["decide"]},
            START
            + REVIEW
            + flow("review", "decide")
            + '<bpmn:userTask id="decide" name="决定"/>'
            + flow("decide", "gw")
            + '<bpmn:exclusiveGateway id="gw"/>'
            + flow("gw", "end", 'outcome == "return"')
            + END,
        ),
        "run",
        "模型试运行（approve）出错",
    ),
    "ends_without_deciding": (
        bpmn(
            {"approver": ["review"], "section_head": ["decide"]},
            START
            + REVIEW
            + flow("review", "gw")
            + '<bpmn:exclusiveGateway id="gw" default="f_gw_end"/>'
            + flow("gw", "decide", 'outcome == "reject"')
            + flow("gw", "end")
            + '<bpmn:userTask id="decide" name="决定"/>'
            + flow("decide", "end")
            + END,
        ),
        "no_decision",
        "没有经过决定环节",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_model_is_refused_with_the_reason(users, food, name):
    data, rule, message = BROKEN[name]
    definitions = ProcessDefinition.objects.count()
    with pytest.raises(ValidationError) as caught:
        process_bind(actor=users["dept_admin"], item=food, reason="上传流程", bpmn=data, filename=f"{name}.bpmn")
    field, got_rule, got_message = first_error(caught)
    assert (field, got_rule) == ("bpmn", rule)
    assert message in got_message
    assert not ProcessBinding.objects.exists()
    assert ProcessDefinition.objects.count() == definitions


def test_a_valid_upload_is_bound_from_the_items_current_version(users, food):
    binding = process_bind(actor=users["dept_admin"], item=food, reason="增加复审", bpmn=THREE_STEP, filename="三级审批.bpmn")
    assert binding.from_version == food.current
    assert binding.definition.name == "初审→复审→分管领导决定（三级审批.bpmn）"
    assert binding.definition.uploaded_by == users["dept_admin"]
    definition, co = process_for_version(food.current)
    assert (definition, co) == (binding.definition, [])


def test_a_custom_model_is_used_by_the_next_case_while_a_running_case_keeps_its_model(users, person, food):
    running = _accepted(users, food, person)
    process_bind(actor=users["dept_admin"], item=food, reason="增加复审", bpmn=THREE_STEP, filename="三级审批.bpmn")
    following = _accepted(users, food, person)
    # The new case runs the uploaded model: 初审 → 复审 → 分管领导决定, with no 制证.
    assert only_open_task(following).name == "初审"
    _do(following, users["approver"])
    assert only_open_task(following).name == "复审"
    _do(following, users["section_head"])
    assert (only_open_task(following).name, only_open_task(following).role) == ("分管领导决定", "leader")
    _do(following, users["section_head"])
    following.refresh_from_db()
    assert following.status == Case.STATUS_TO_DELIVER
    # The case accepted before the upload goes on with the default it started with.
    assert [t.name for t in open_tasks(running)] == ["审查"]
    _do(running, users["approver"])
    _do(running, users["section_head"])
    assert only_open_task(running).name == "制证"
    assert running.process.definition.builtin == "promised_certify"


def test_a_named_default_can_be_bound(users, person, food):
    process_bind(actor=users["dept_admin"], item=food, reason="不再制证", builtin="promised")
    case = _accepted(users, food, person)
    _do(case, users["approver"])
    _do(case, users["section_head"])
    case.refresh_from_db()
    assert case.status == Case.STATUS_TO_DELIVER


def test_only_the_items_department_may_set_its_process(users, food):
    for actor in (users["other_dept_admin"], users["approver"], users["section_head"]):
        with pytest.raises(PermissionDenied):
            process_bind(actor=actor, item=food, reason="改流程", bpmn=THREE_STEP)
    assert not ProcessBinding.objects.exists()


def test_binding_needs_a_reason_and_one_source(users, food):
    with pytest.raises(ValidationError) as caught:
        process_bind(actor=users["dept_admin"], item=food, reason="", bpmn=THREE_STEP, builtin="promised")
    assert [(e.field, e.rule) for e in caught.value.errors] == [("reason", "required"), ("bpmn", "one_source")]
