"""预警规则的参数: a supervisor changes a rule's parameters or stops it on the rules page (or the
API), with a reason; the next scan uses them; every change is logged; nobody else may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.anomalies.engine import scan, scan_changed
from govhall.anomalies.models import AnomalyHit, RuleSetting, RuleSettingChange
from govhall.anomalies.rules import RULES
from govhall.anomalies.services import rule_setting_update
from govhall.anomalies.tests.conftest import DAY, at
from govhall.core.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db

PAGE = "/staff/anomalies/rules/"


@pytest.fixture
def auditor(county):
    from django.contrib.auth.models import Group, User

    from govhall.org import roles

    user = User.objects.create_user("auditor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.AUDITOR))
    return user


def too_fast(**params: int) -> dict[str, int]:
    return {"minutes_per_step": 10, "min_steps": 2, "max_steps": 8} | params


def test_a_raised_threshold_finds_a_case_the_default_let_through(make_fact, supervisor):
    planted = make_fact(decided_at=at(DAY, 10, 5))  # 35 minutes after 受理; 4 steps need 30 by default
    scan()
    assert not AnomalyHit.objects.filter(rule="too_fast").exists()

    rule_setting_update(
        actor=supervisor, code="too_fast", enabled=True, params=too_fast(minutes_per_step=20), reason="审批系统环节耗时偏长"
    )
    scan()

    (hit,) = AnomalyHit.objects.filter(rule="too_fast")
    assert hit.fact_id == planted.pk and hit.detail["minimum_minutes"] == 60
    assert RULES["too_fast"].values() == too_fast(minutes_per_step=20)


def test_the_page_setting_overrides_the_deployment_and_stores_only_what_differs(supervisor, settings):
    settings.GOVHALL_ANOMALY_PARAMS = {"too_fast": {"minutes_per_step": 15}}

    setting = rule_setting_update(
        actor=supervisor, code="too_fast", enabled=True, params=too_fast(minutes_per_step=15, max_steps=6), reason="上限调低"
    )

    assert setting.params == {"max_steps": 6}  # 15 is the deployment's value already
    assert RULES["too_fast"].values() == too_fast(minutes_per_step=15, max_steps=6)
    settings.GOVHALL_ANOMALY_PARAMS = {"too_fast": {"minutes_per_step": 12}}  # the deployment changes later
    assert RULES["too_fast"].values()["minutes_per_step"] == 12


def test_a_stopped_rule_does_not_run_and_its_old_hits_stay(make_fact, supervisor):
    make_fact(decided_at=at(DAY, 9, 0), accepted_at=at(DAY, 11, 0))
    scan()
    assert AnomalyHit.objects.filter(rule="out_of_order").count() == 1
    make_fact(decided_at=at(DAY, 8, 0), accepted_at=at(DAY, 11, 0))

    rule_setting_update(actor=supervisor, code="out_of_order", enabled=False, params={"tolerance_minutes": 0}, reason="数据迁移期间暂停")
    scan()
    scan_changed()

    assert AnomalyHit.objects.filter(rule="out_of_order").count() == 1
    rule_setting_update(actor=supervisor, code="out_of_order", enabled=True, params={"tolerance_minutes": 0}, reason="迁移完成")
    scan()
    assert AnomalyHit.objects.filter(rule="out_of_order").count() == 2


def test_a_stopped_rating_rule_catches_up_when_started_again(make_rating, supervisor):
    rule_setting_update(actor=supervisor, code="rating_burst", enabled=False, params=RULES["rating_burst"].deployed(), reason="设备调试")
    for minute in range(12):
        make_rating(device="pad-1", created_at=at(DAY, 10, minute))
    scan_changed()
    assert not AnomalyHit.objects.filter(rule="rating_burst").exists()

    rule_setting_update(actor=supervisor, code="rating_burst", enabled=True, params=RULES["rating_burst"].deployed(), reason="调试结束")
    scan_changed()

    assert AnomalyHit.objects.filter(rule="rating_burst").exists()


@pytest.mark.parametrize(
    ("params", "field", "rule"),
    [
        (too_fast(minutes_per_step=0), "params.minutes_per_step", "range"),
        (too_fast(minutes_per_step="十"), "params.minutes_per_step", "integer"),
        (too_fast(min_steps=""), "params.min_steps", "required"),
        (too_fast(min_steps=6, max_steps=4), "params.max_steps", "min_steps"),
        (too_fast(speed=3), "params.speed", "unknown"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter_and_nothing_is_saved(supervisor, params, field, rule):
    with pytest.raises(ValidationError) as caught:
        rule_setting_update(actor=supervisor, code="too_fast", enabled=True, params=params, reason="调整")
    assert (field, rule) in {(e.field, e.rule) for e in caught.value.errors}
    assert not RuleSetting.objects.exists() and not RuleSettingChange.objects.exists()


def test_a_change_needs_a_reason_and_is_logged_with_before_and_after(supervisor):
    with pytest.raises(ValidationError) as caught:
        rule_setting_update(actor=supervisor, code="off_hours", enabled=True, params={"min_actions": 2}, reason=" ")
    assert [(e.field, e.rule) for e in caught.value.errors] == [("reason", "required")]

    rule_setting_update(actor=supervisor, code="off_hours", enabled=True, params={"min_actions": 2}, reason="夜间值班窗口误报")
    rule_setting_update(actor=supervisor, code="off_hours", enabled=False, params={"min_actions": 2}, reason="暂停")

    first, second = RuleSettingChange.objects.order_by("id")
    assert (first.params_before, first.params_after, first.enabled_before, first.enabled_after) == (
        {"min_actions": 1},
        {"min_actions": 2},
        True,
        True,
    )
    assert (second.enabled_before, second.enabled_after, second.reason, second.changed_by) == (True, False, "暂停", supervisor)


def test_only_supervisors_change_rules(county, auditor):
    with pytest.raises(PermissionDenied):
        rule_setting_update(actor=auditor, code="off_hours", enabled=True, params={"min_actions": 2}, reason="x")
    with pytest.raises(PermissionDenied):
        rule_setting_update(actor=county.users["dept_admin"], code="off_hours", enabled=True, params={"min_actions": 2}, reason="x")


def test_a_supervisor_changes_a_rule_on_the_page_and_sees_the_record(client, supervisor):
    client.force_login(supervisor)
    page = client.get(PAGE).content.decode()
    assert reverse("anomalies_staff:rule-update", args=["off_hours"]) in page

    bad = client.post(
        reverse("anomalies_staff:rule-update", args=["off_hours"]), {"params.min_actions": "99", "enabled": "on", "reason": "误报"}
    )
    assert bad.status_code == 400 and "应在1到20之间" in bad.content.decode() and 'value="99"' in bad.content.decode()

    done = client.post(
        reverse("anomalies_staff:rule-update", args=["off_hours"]), {"params.min_actions": "2", "reason": "夜间值班窗口误报"}, follow=True
    )
    text = done.content.decode()
    assert done.status_code == 200 and "已保存" in text and "已停用" in text
    assert "非工作时间操作的最少次数：1 → 2" in text and "停用规则" in text and "夜间值班窗口误报" in text
    assert RuleSetting.objects.get(rule="off_hours").enabled is False


def test_auditors_see_the_rules_without_forms_and_cannot_post(client, auditor):
    client.force_login(auditor)
    page = client.get(PAGE)
    assert page.status_code == 200 and reverse("anomalies_staff:rule-update", args=["off_hours"]) not in page.content.decode()
    response = client.post(reverse("anomalies_staff:rule-update", args=["off_hours"]), {"params.min_actions": "2", "reason": "x"})
    assert response.status_code == 404 and not RuleSetting.objects.exists()


def test_others_get_404(client, county):
    client.force_login(county.users["dept_admin"])
    assert client.get(PAGE).status_code == 404
    assert client.post(reverse("anomalies_staff:rule-update", args=["off_hours"]), {"reason": "x"}).status_code == 404


def test_the_api_sets_a_rule_and_names_a_bad_field(client, supervisor, auditor):
    client.force_login(supervisor)
    bad = client.put("/api/anomalies/rules/off_hours", {"params": {"min_actions": 0}, "reason": "误报"}, content_type="application/json")
    assert bad.status_code == 400 and ("params.min_actions", "range") in {(e["field"], e["rule"]) for e in bad.json()["detail"]}
    good = client.put(
        "/api/anomalies/rules/off_hours", {"enabled": True, "params": {"min_actions": 3}, "reason": "误报"}, content_type="application/json"
    )
    assert good.status_code == 200 and good.json()["params"][0]["value"] == 3 and good.json()["enabled"] is True
    listed = {r["code"]: r for r in client.get("/api/anomalies/rules").json()}
    assert listed["off_hours"]["params"][0] | {"value": 3, "default": 1, "minimum": 1, "maximum": 20} == listed["off_hours"]["params"][0]
    client.force_login(auditor)
    refused = client.put("/api/anomalies/rules/off_hours", {"params": {"min_actions": 4}, "reason": "x"}, content_type="application/json")
    assert refused.status_code == 403 and RULES["off_hours"].values() == {"min_actions": 3}
