"""办不成事: logged at the window, escalated to a named leader with a due date, solved with root causes."""

import datetime as dt

import pytest

from govhall.complaints.models import CantDoProblem
from govhall.complaints.services import problem_escalate, problem_finish, problem_log, problem_start
from govhall.complaints.tests.conftest import at, client_for
from govhall.core.errors import PermissionDenied, ValidationError


@pytest.fixture
def problem(cant_do_clerk):
    with at(2026, 9, 29):
        return problem_log(
            actor=cant_do_clerk,
            reporter_name="巴特尔",
            reporter_phone="13804701234",
            wanted="牧区房屋办不动产证",
            description="房子建在嘎查集体土地上，没有规划手续，窗口说办不了，也说不清找谁。",
        )


def test_the_clerk_escalates_to_a_named_leader_with_a_due_date_in_working_days(problem, cant_do_clerk, centre_admin):
    with at(2026, 9, 29):
        escalated = problem_escalate(actor=cant_do_clerk, problem=problem, leader=centre_admin)
    assert escalated.status == CantDoProblem.STATUS_ESCALATED
    assert escalated.leader == centre_admin
    assert escalated.due_date == dt.date(2026, 10, 12)


def test_the_leader_solves_it_with_the_root_causes(problem, cant_do_clerk, dept_admin):
    with at(2026, 9, 29):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=dept_admin)
        problem_start(actor=dept_admin, problem=problem)
        solved = problem_finish(
            actor=dept_admin,
            problem=problem,
            solved=True,
            solution="协调自然资源局出具历史遗留问题认定，已受理。",
            root_causes=["catalog", "process"],
        )
    assert solved.status == CantDoProblem.STATUS_SOLVED
    assert solved.root_cause_labels() == ["清单问题", "流程问题"]
    assert list(solved.events.values_list("kind", flat=True)) == ["logged", "escalated", "solving", "solved"]


def test_cannot_be_solved_needs_an_explanation_and_a_root_cause(problem, cant_do_clerk, centre_admin):
    with at(2026, 9, 29):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=centre_admin)
    with pytest.raises(ValidationError) as exc:
        problem_finish(actor=centre_admin, problem=problem, solved=False, solution="", root_causes=[])
    assert {e.field for e in exc.value.errors} == {"solution", "root_causes"}
    done = problem_finish(actor=centre_admin, problem=problem, solved=False, solution="现行政策不允许，已解释。", root_causes=["policy"])
    assert done.status == CantDoProblem.STATUS_UNSOLVABLE


def test_the_leader_must_be_a_centre_admin_or_a_department_leader(problem, cant_do_clerk, clerk):
    with pytest.raises(ValidationError):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=clerk)


def test_someone_else_cannot_solve_it_and_gets_404_on_the_page(problem, cant_do_clerk, dept_admin, other_dept_admin):
    with at(2026, 9, 29):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=dept_admin)
    with pytest.raises(PermissionDenied):
        problem_finish(actor=other_dept_admin, problem=problem, solved=True, solution="x", root_causes=["staff"])
    client = client_for(other_dept_admin)
    assert client.get(f"/staff/complaints/cant-do/{problem.pk}/").status_code == 404
    response = client.post(f"/staff/complaints/cant-do/{problem.pk}/finish/", {"solved": "1", "solution": "x", "root_causes": ["staff"]})
    assert response.status_code == 404
    problem.refresh_from_db()
    assert problem.status == CantDoProblem.STATUS_ESCALATED


def test_a_comprehensive_window_clerk_cannot_log(clerk):
    with pytest.raises(PermissionDenied):
        problem_log(actor=clerk, reporter_name="甲", wanted="办事", description="办不成")


def test_the_list_counts_root_causes_and_masks_phones(problem, cant_do_clerk, centre_admin):
    with at(2026, 9, 29):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=centre_admin)
        problem_finish(actor=centre_admin, problem=problem, solved=True, solution="已协调办结", root_causes=["system", "staff"])
        page = client_for(centre_admin).get("/staff/complaints/cant-do/").content.decode()
    assert "138****1234" in page and "13804701234" not in page
    assert "系统问题" in page and "人员问题" in page
    export = client_for(centre_admin).get("/staff/complaints/cant-do/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_page_escalates_through_the_form(problem, cant_do_clerk, centre_admin):
    with at(2026, 9, 29):
        response = client_for(cant_do_clerk).post(f"/staff/complaints/cant-do/{problem.pk}/escalate/", {"leader": centre_admin.pk})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.leader == centre_admin


def test_finishing_is_refused_when_the_problem_went_to_another_leader_before_the_lock(problem, cant_do_clerk, dept_admin, centre_admin):
    from unittest import mock

    from govhall.complaints.services import cant_do

    real_lock = cant_do._lock

    def lock(problem, *statuses):
        # A concurrent re-escalation to another leader, between the check and the lock.
        CantDoProblem.objects.filter(pk=problem.pk).update(leader=centre_admin)
        return real_lock(problem, *statuses)

    with at(2026, 9, 29):
        problem_escalate(actor=cant_do_clerk, problem=problem, leader=dept_admin)
        with mock.patch.object(cant_do, "_lock", lock), pytest.raises(PermissionDenied):
            problem_finish(actor=dept_admin, problem=problem, solved=True, solution="已协调。", root_causes=["process"])
    problem.refresh_from_db()
    assert problem.status == CantDoProblem.STATUS_ESCALATED
