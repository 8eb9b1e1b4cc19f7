"""The 12345 closed loop of a work order: due dates in working days, overdue, reply only by the
dispatched department, return to the dispatcher, 不满意 reopens, close."""

import datetime as dt
from unittest import mock

import pytest

from govhall.complaints.models import Complaint
from govhall.complaints.services import (
    complaint_call_back,
    complaint_close,
    complaint_dispatch,
    complaint_reply,
    complaint_return,
    due_dates_fill,
)
from govhall.complaints.tests.conftest import at, client_for, register
from govhall.core.errors import Conflict, PermissionDenied, ValidationError


def test_dispatch_gives_five_working_days_across_the_national_day_holiday(complaint, desk_clerk, market):
    # 2026-09-29 (Tue) + 5 working days, skipping 国庆 10-01..07, counting the 10-10 make-up Saturday.
    with at(2026, 9, 29):
        order = complaint_dispatch(actor=desk_clerk, complaint=complaint, department=market)
    assert order.status == Complaint.STATUS_DISPATCHED
    assert order.due_date == dt.date(2026, 10, 12)
    assert order.events.filter(kind="dispatched").get().data["due_date"] == "2026-10-12"


def test_an_urgent_order_is_due_the_next_working_day(desk_clerk, market):
    with at(2026, 9, 30):
        order = register(desk_clerk, urgency=Complaint.URGENCY_URGENT)
        order = complaint_dispatch(actor=desk_clerk, complaint=order, department=market)
    assert order.due_date == dt.date(2026, 10, 8)


def test_the_limits_come_from_the_settings(settings, complaint, desk_clerk, market):
    settings.GOVHALL_COMPLAINT_DAYS = 2
    with at(2026, 9, 29):
        order = complaint_dispatch(actor=desk_clerk, complaint=complaint, department=market)
    assert order.due_date == dt.date(2026, 10, 8)


def test_an_order_not_replied_by_its_due_date_is_on_the_overdue_list(dispatched, centre_admin):
    day_after = dispatched.due_date + dt.timedelta(days=1)
    client = client_for(centre_admin)
    with at(2026, dispatched.due_date.month, dispatched.due_date.day):
        on_due_day = client.get("/staff/complaints/overdue/")
    with at(day_after.year, day_after.month, day_after.day):
        after = client.get("/staff/complaints/overdue/")
    assert dispatched.number not in on_due_day.content.decode()
    page = after.content.decode()
    assert dispatched.number in page
    assert "已超期 1 个工作日" in page or "已超期" in page
    assert 'class="overdue"' in page


def test_a_reply_after_the_due_date_is_marked_late_and_leaves_the_overdue_list(dispatched, dept_admin, centre_admin):
    late = dispatched.due_date + dt.timedelta(days=3)
    with at(late.year, late.month, late.day):
        order = complaint_reply(actor=dept_admin, complaint=dispatched, reply="已约谈窗口人员，一次性告知材料清单。")
        page = client_for(centre_admin).get("/staff/complaints/overdue/").content.decode()
    assert order.replied_late
    assert dispatched.number not in page


def test_the_dispatched_department_replies(dispatched, dept_admin):
    with at(2026, 6, 16):
        response = client_for(dept_admin).post(f"/staff/complaints/{dispatched.pk}/reply/", {"reply": "已核实，材料清单已更新。"})
    assert response.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.status == Complaint.STATUS_REPLIED
    assert dispatched.reply == "已核实，材料清单已更新。"


def test_another_department_cannot_reply_gets_404_and_nothing_changes(dispatched, other_dept_admin):
    client = client_for(other_dept_admin)
    assert client.get(f"/staff/complaints/{dispatched.pk}/").status_code == 404
    response = client.post(f"/staff/complaints/{dispatched.pk}/reply/", {"reply": "不是我们的事"})
    assert response.status_code == 404
    dispatched.refresh_from_db()
    assert dispatched.status == Complaint.STATUS_DISPATCHED
    assert dispatched.reply == ""
    with pytest.raises(PermissionDenied):
        complaint_reply(actor=other_dept_admin, complaint=dispatched, reply="x")


def test_the_department_returns_a_wrong_order_to_the_dispatcher(dispatched, dept_admin, desk_clerk):
    with at(2026, 6, 16):
        order = complaint_return(actor=dept_admin, complaint=dispatched, reason="属于公安局户政职责")
    assert order.status == Complaint.STATUS_RETURNED
    assert order.department is None and order.due_date is None
    page = client_for(desk_clerk).get(f"/staff/complaints/{order.pk}/").content.decode()
    assert "重新分派" in page
    assert "属于公安局户政职责" in page
    # the department no longer sees it
    assert client_for(dept_admin).get(f"/staff/complaints/{order.pk}/").status_code == 404


def test_a_return_needs_a_reason(dispatched, dept_admin):
    with pytest.raises(ValidationError) as exc:
        complaint_return(actor=dept_admin, complaint=dispatched, reason=" ")
    assert exc.value.errors[0].message == "请填写退回理由"


def test_unsatisfied_reopens_the_order_with_a_new_due_date(dispatched, dept_admin, centre_admin):
    with at(2026, 6, 16):
        complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理")
    with at(2026, 9, 29):
        order = complaint_call_back(actor=centre_admin, complaint=dispatched, satisfaction=Complaint.UNSATISFIED, note="问题没解决")
    assert order.status == Complaint.STATUS_DISPATCHED
    assert order.reopen_count == 1
    assert order.department == dispatched.department
    assert order.due_date == dt.date(2026, 10, 12)
    assert list(order.events.values_list("kind", flat=True)) == ["registered", "dispatched", "replied", "called_back", "reopened"]


def test_unsatisfied_needs_the_reason(dispatched, dept_admin, centre_admin):
    with at(2026, 6, 16):
        complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理")
    with pytest.raises(ValidationError):
        complaint_call_back(actor=centre_admin, complaint=dispatched, satisfaction=Complaint.UNSATISFIED)


def test_satisfied_then_closed_by_the_centre_admin(dispatched, dept_admin, centre_admin):
    with at(2026, 6, 16):
        complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理")
        complaint_call_back(actor=centre_admin, complaint=dispatched, satisfaction=Complaint.SATISFIED)
        order = complaint_close(actor=centre_admin, complaint=dispatched)
    assert order.status == Complaint.STATUS_CLOSED
    assert order.closed_at is not None


def test_the_department_cannot_call_back_or_close(dispatched, dept_admin):
    with at(2026, 6, 16):
        complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理")
    with pytest.raises(PermissionDenied):
        complaint_call_back(actor=dept_admin, complaint=dispatched, satisfaction=Complaint.SATISFIED)


def test_a_second_reply_gets_conflict(dispatched, dept_admin):
    with at(2026, 6, 16):
        complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理")
        with pytest.raises(Conflict):
            complaint_reply(actor=dept_admin, complaint=dispatched, reply="再答复一次")


def test_a_clerk_not_at_the_complaint_window_cannot_register(clerk):
    with pytest.raises(PermissionDenied):
        register(clerk)


def test_a_hotline_order_needs_its_12345_number(desk_clerk):
    with pytest.raises(ValidationError) as exc:
        register(desk_clerk, source=Complaint.SOURCE_HOTLINE)
    assert exc.value.errors[0].field == "hotline_number"


def test_a_real_name_order_needs_name_and_phone(desk_clerk):
    with pytest.raises(ValidationError) as exc:
        register(desk_clerk, complainant_name="", complainant_phone="")
    assert {e.field for e in exc.value.errors} == {"complainant_name", "complainant_phone"}


def test_the_list_masks_phone_numbers(complaint, desk_clerk):
    page = client_for(desk_clerk).get("/staff/complaints/").content.decode()
    assert "139****1234" in page
    assert "13947001234" not in page


def test_the_list_exports_to_excel(dispatched, centre_admin):
    response = client_for(centre_admin).get("/staff/complaints/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_dispatch_in_a_year_without_calendar_is_recorded_with_the_due_date_pending(complaint, desk_clerk, market, centre_admin):
    with at(2027, 1, 5):
        order = complaint_dispatch(actor=desk_clerk, complaint=complaint, department=market)
        page = client_for(centre_admin).get(f"/staff/complaints/{order.pk}/").content.decode()
    assert order.status == Complaint.STATUS_DISPATCHED
    assert order.due_date is None and order.due_pending
    assert "期限待定（2027年工作日历未载入）" in page
    assert due_dates_fill().complaints == 0


def test_the_sweep_fills_a_pending_due_date_once_its_year_is_loaded(dispatched):
    Complaint.objects.filter(pk=dispatched.pk).update(due_date=None, due_pending=True)
    assert due_dates_fill().complaints == 1
    dispatched.refresh_from_db()
    assert not dispatched.due_pending and dispatched.due_date is not None


def test_an_anonymous_order_keeps_no_name_phone_or_id_number(desk_clerk):
    with at(2026, 6, 15):
        order = register(desk_clerk, anonymous=True)
    order.refresh_from_db()
    assert (order.complainant_name, order.complainant_phone, order.complainant_id_number) == ("", "", "")
    assert order.phone_masked == ""
    assert order.shown_name == "匿名"


def _redispatched_meanwhile(county):
    """A `_lock` that first moves the order to another department, as a concurrent 退回+分派 would."""
    from govhall.complaints.services import workorders

    real_lock = workorders._lock

    def lock(complaint, *statuses):
        Complaint.objects.filter(pk=complaint.pk).update(department=county.departments["公安局"])
        return real_lock(complaint, *statuses)

    return mock.patch.object(workorders, "_lock", lock)


def test_a_reply_is_refused_when_the_order_was_re_dispatched_before_the_lock(dispatched, dept_admin, county):
    with at(2026, 6, 16), _redispatched_meanwhile(county), pytest.raises(PermissionDenied):
        complaint_reply(actor=dept_admin, complaint=dispatched, reply="已处理。")
    dispatched.refresh_from_db()
    assert dispatched.status == Complaint.STATUS_DISPATCHED and dispatched.reply == ""


def test_a_return_is_refused_when_the_order_was_re_dispatched_before_the_lock(dispatched, dept_admin, county):
    with at(2026, 6, 16), _redispatched_meanwhile(county), pytest.raises(PermissionDenied):
        complaint_return(actor=dept_admin, complaint=dispatched, reason="不属于本部门")
    dispatched.refresh_from_db()
    assert dispatched.status == Complaint.STATUS_DISPATCHED
