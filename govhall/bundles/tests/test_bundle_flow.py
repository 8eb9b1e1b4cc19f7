"""一件事一次办 (ONE-1, ONE-5): one form, one set of materials, one acceptance, parallel approval,
one delivery; one refused item does not lose the others' work; the bundle's own clock."""

import datetime as dt
from unittest import mock

import pytest

from govhall.bundles.models import BundleCase
from govhall.bundles.selectors import bundle_plan, bundle_queue_for_clerk, part_progress
from govhall.bundles.services import bundle_case_accept, bundle_case_deliver, bundle_case_sync
from govhall.bundles.tests.bundle_steps import FIRE, LAYOUT, day, decide, submit_bundle
from govhall.cases.models import Case, CaseMaterial
from govhall.cases.selectors import prereview_queue_for_clerk
from govhall.core.errors import Conflict, ValidationError

pytestmark = pytest.mark.django_db

JUNE_15 = dt.date(2026, 6, 15)  # a Monday


def test_a_field_two_items_need_is_asked_once_and_stored_in_both_cases(county, bundle, enterprise):
    plan = bundle_plan(bundle, ["q1.y"])
    keys = [spec.key for spec, _required in plan.fields]
    assert keys.count("enterprise_name") == 1
    assert keys == ["enterprise_name", "food_business_type", "premises_area"]
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        bundle_case = submit_bundle(county, bundle, enterprise)
    cases = [part.case for part in bundle_case.parts.order_by("seq")]
    assert [c.item.name for c in cases] == ["食品经营许可证核发", FIRE]
    assert all(c.form["企业名称"] == "呼伦贝尔草原餐饮有限公司" for c in cases)
    assert cases[0].form["主体业态"] == "餐饮服务经营者" and "经营场所面积（平方米）" not in cases[0].form
    assert cases[1].form["经营场所面积（平方米）"] == "420" and "主体业态" not in cases[1].form
    assert bundle_case.form["企业名称"] == "呼伦贝尔草原餐饮有限公司"


def test_one_upload_serves_every_item_that_needs_the_same_document(county, bundle, enterprise):
    plan = bundle_plan(bundle, ["q1.y"])
    layout = [pm for pm in plan.materials if pm.name == LAYOUT]
    assert len(layout) == 1 and len(layout[0].uses) == 2  # "（复印件）" and punctuation do not make it another document
    licence = [pm for pm in plan.materials if pm.identity == "licence:营业执照"]
    assert len(licence) == 1 and len(licence[0].uses) == 2
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        bundle_case = submit_bundle(county, bundle, enterprise)
    rows = list(CaseMaterial.objects.filter(case__bundle_part__bundle_case=bundle_case))
    assert len(rows) == 2
    assert len({r.path for r in rows}) == 1 and len({r.case_id for r in rows}) == 2


def test_the_questionnaire_leaves_out_items_that_do_not_apply(county, bundle, enterprise):
    plan = bundle_plan(bundle, ["q1.n"])
    assert [bi.item.name for bi in plan.items] == ["食品经营许可证核发"]
    assert [spec.key for spec, _r in plan.fields] == ["enterprise_name", "food_business_type"]


def test_a_missing_shared_field_is_refused_naming_it_and_nothing_is_created(county, bundle, enterprise):
    with pytest.raises(ValidationError) as caught:
        submit_bundle(county, bundle, enterprise, values={"enterprise_name": "", "food_business_type": "酒吧", "premises_area": "x"})
    messages = {e.field: e.message for e in caught.value.errors}
    assert messages["form.enterprise_name"] == "请填写企业名称"
    assert "主体业态只能选择" in messages["form.food_business_type"]
    assert messages["form.premises_area"] == "经营场所面积（平方米）应为数字"
    assert not BundleCase.objects.exists() and not Case.objects.exists()


def test_the_clerk_sees_the_bundle_once_and_accepts_every_item_at_once(county, bundle, enterprise):
    clerk = county.users["clerk"]
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        bundle_case = submit_bundle(county, bundle, enterprise)
        assert list(prereview_queue_for_clerk(user=clerk)) == []
        assert list(bundle_queue_for_clerk(user=clerk)) == [bundle_case]
        bundle_case_accept(actor=clerk, bundle_case=bundle_case)
        with pytest.raises(Conflict):
            bundle_case_accept(actor=county.users["clerk"], bundle_case=bundle_case)
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCase.STATUS_IN_PROGRESS
    assert {p.case.status for p in bundle_case.parts.all()} == {Case.STATUS_IN_PROGRESS}
    # Parallel approval: each item at its own department.
    assert {p.case.department.short_name for p in bundle_case.parts.all()} == {"市场监管局", "公安局"}


def test_one_refused_item_does_not_block_the_others_and_the_bundle_ends_partly_done(county, bundle, enterprise):
    users = county.users
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        bundle_case = submit_bundle(county, bundle, enterprise)
        bundle_case = bundle_case_accept(actor=users["clerk"], bundle_case=bundle_case)
    food_case, fire_case = [p.case for p in bundle_case.parts.order_by("seq")]
    with mock.patch("django.utils.timezone.now", return_value=day(dt.date(2026, 6, 16))):
        decide(fire_case, users, outcome="reject")
        bundle_case_sync(bundle_case)
        assert bundle_case.status == BundleCase.STATUS_IN_PROGRESS  # the food permit is still being decided
        with pytest.raises(Conflict) as caught:
            bundle_case_deliver(actor=users["clerk"], bundle_case=bundle_case, method="electronic")
        assert "全部办结后一次出件" in str(caught.value.errors[0].message)
        decide(food_case, users)
        bundle_case_sync(bundle_case)
        assert bundle_case.status == BundleCase.STATUS_TO_DELIVER
        bundle_case_deliver(actor=users["clerk"], bundle_case=bundle_case, method="electronic")
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleCase.STATUS_PARTLY_DONE
    assert bundle_case.get_status_display() == "部分办结"
    outcomes = {row.case.item.name: (row.case.status, row.outcome, row.ok) for row in part_progress(bundle_case)}
    assert outcomes["食品经营许可证核发"] == (Case.STATUS_DONE, "准予", True)
    assert outcomes[FIRE] == (Case.STATUS_DONE, "不予", False)
    assert bundle_case.overdue is False


def test_the_bundle_clock_skips_the_national_day_holiday(county, bundle, enterprise):
    # Accepted on Wednesday 2026-09-30: 国庆 10-01..10-07 do not count and Saturday 10-10 is a
    # make-up workday (调休), so 5 working days end on Tuesday 10-13.
    with mock.patch("django.utils.timezone.now", return_value=day(dt.date(2026, 9, 30))):
        bundle_case = submit_bundle(county, bundle, enterprise)
        bundle_case_accept(actor=county.users["clerk"], bundle_case=bundle_case)
    bundle_case.refresh_from_db()
    assert bundle_case.accepted_on == dt.date(2026, 9, 30)
    assert bundle_case.due_date == dt.date(2026, 10, 13)
    with mock.patch("django.utils.timezone.now", return_value=day(dt.date(2026, 10, 14))):
        bundle_case_sync(bundle_case)
    assert bundle_case.overdue is True


def test_a_bundle_accepted_in_a_year_without_calendar_keeps_its_due_date_pending(county, bundle, enterprise):
    from govhall.bundles.services import bundle_due

    due, note = bundle_due(dt.date(2027, 3, 1), 1)
    assert due is None and note == "期限待定（2027年工作日历未载入）"


def test_resubmitting_with_the_same_key_returns_the_same_bundle_case(county, bundle, enterprise):
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        first = submit_bundle(county, bundle, enterprise, key="same")
        again = submit_bundle(county, bundle, enterprise, key="same")
    assert first.pk == again.pk and Case.objects.count() == 2


def test_the_sweep_fills_a_pending_due_date_once_the_calendar_has_the_year(county, bundle, enterprise):
    from govhall.bundles.services import bundle_due_dates_fill

    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        bundle_case = submit_bundle(county, bundle, enterprise)
        bundle_case = bundle_case_accept(actor=county.users["clerk"], bundle_case=bundle_case)
    BundleCase.objects.filter(pk=bundle_case.pk).update(due_date=None, due_note="期限待定（2026年工作日历未载入）")
    assert bundle_due_dates_fill() == 1
    bundle_case.refresh_from_db()
    assert bundle_case.due_date == dt.date(2026, 6, 23) and bundle_case.due_note == ""


def test_supplement_and_refusal_apply_to_the_whole_bundle(county, bundle, enterprise):
    from govhall.bundles.services import bundle_case_refuse, bundle_case_request_supplement

    clerk = county.users["clerk"]
    with mock.patch("django.utils.timezone.now", return_value=day(JUNE_15)):
        first = submit_bundle(county, bundle, enterprise, key="s1")
        layout = next(pm for pm in bundle_plan(bundle, ["q1.y"]).materials if pm.name == LAYOUT)
        first = bundle_case_request_supplement(
            actor=clerk, bundle_case=first, points=[{"identity": layout.identity, "problem": "布局图未标明生熟分区"}]
        )
        second = submit_bundle(county, bundle, enterprise, key="s2")
        second = bundle_case_refuse(actor=clerk, bundle_case=second, reason="经营场所位于居民楼内，不符合规划用途")
    assert first.get_status_display() == "待补正"
    assert {p.case.status for p in first.parts.all()} == {Case.STATUS_SUPPLEMENT}  # both items need the layout
    notice = first.parts.first().case.documents.get(kind="supplement")
    assert notice.body["points"][0]["problem"] == "布局图未标明生熟分区"
    assert second.status == BundleCase.STATUS_NOT_ACCEPTED
    assert {p.case.status for p in second.parts.all()} == {Case.STATUS_NOT_ACCEPTED}
