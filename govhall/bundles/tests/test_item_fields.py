"""一次录入、大家共用 on the single-item apply page: the item's own form fields from the field
dictionary, pre-filled from the applicant's e-licence, checked by the case services (required,
kind, limits) with errors naming the field, stored in Case.form under the field's label."""

import datetime as dt
from unittest import mock

import pytest
from django.test import Client

from govhall.bundles.tests.bundle_steps import day
from govhall.cases.models import Case
from govhall.cases.services import case_draft_save, case_submit
from govhall.catalog.services import item_create
from govhall.core.errors import ValidationError
from govhall.tests_support import item_payload

pytestmark = pytest.mark.django_db
FIELDS = [
    {"key": "enterprise_name", "required": True},
    {"key": "premises_area", "required": True},
    {"key": "legal_representative", "required": False},
]


@pytest.fixture
def food_with_fields(county):
    food = county.items["food"]
    version = food.current
    version.form_fields = FIELDS
    version.save(update_fields=["form_fields"])
    return food


@pytest.fixture
def licensed(county, enterprise):
    from govhall.licences.models import LicenceType
    from govhall.licences.services import licence_issue

    return licence_issue(
        actor=None,
        licence_type=LicenceType.objects.get(code="YYZZ"),
        department=county.departments["市场监管局"],
        holder=enterprise,
        data={"名称": enterprise.name, "法定代表人": "张三", "住所": "宝格德乌拉街1号", "注册资本": "30万元人民币"},
        valid_from=dt.date(2022, 3, 1),
    )


def test_an_item_version_naming_an_unknown_field_is_refused_naming_it(county):
    with pytest.raises(ValidationError) as caught:
        item_create(actor=None, data=item_payload(code="000111099000", form_fields=[{"key": "shoe_size"}, "enterprise_name"]))
    assert [(e.field, e.message) for e in caught.value.errors] == [("form_fields[0].key", "申请表字段“shoe_size”不在字段字典中")]


def test_the_catalog_keeps_the_form_fields_of_a_version(county):
    item = item_create(
        actor=None, data=item_payload(code="000111098000", form_fields=["enterprise_name", {"key": "employees", "required": False}])
    )
    assert item.current.form_fields == [{"key": "enterprise_name", "required": True}, {"key": "employees", "required": False}]


def test_submission_checks_the_items_fields_but_a_draft_may_leave_them_empty(county, enterprise, food_with_fields):
    applicant = county.users["applicant"]
    draft = case_draft_save(
        actor=applicant, item=food_with_fields, applicant_enterprise=enterprise, channel="online", answers=["q1.a", "q2.n"], form={}
    )
    assert draft.status == Case.STATUS_DRAFT
    with mock.patch("django.utils.timezone.now", return_value=day(dt.date(2026, 6, 15))), pytest.raises(ValidationError) as caught:
        case_submit(
            actor=applicant,
            item=food_with_fields,
            applicant_enterprise=enterprise,
            channel="online",
            answers=["q1.a", "q2.n"],
            form={"经营场所面积（平方米）": "很大"},
            idempotency_key=None,
        )
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("form.enterprise_name", "请填写企业名称"),
        ("form.premises_area", "经营场所面积（平方米）应为数字"),
    ]


def test_the_apply_page_prefills_the_fields_from_the_enterprises_licence_and_stores_them_by_label(
    county, enterprise, food_with_fields, licensed
):
    client = Client()
    client.force_login(county.users["applicant"])
    url = f"/apply/{food_with_fields.code}/"
    page = client.get(f"{url}?applicant=enterprise-{enterprise.pk}").content.decode()
    assert 'name="ff_enterprise_name" value="呼伦贝尔草原餐饮有限公司"' in page
    assert 'name="ff_legal_representative" value="张三"' in page
    assert "已从电子证照：营业执照预填" in page
    post = {
        "applicant": f"enterprise-{enterprise.pk}",
        "s.q1": "a",
        "s.q2": "n",
        "contact_name": "张三",
        "contact_phone": "13800001234",
        "address": "宝格德乌拉街1号",
        "description": "开办餐馆",
        "ff_enterprise_name": "呼伦贝尔草原餐饮有限公司",
        "ff_premises_area": "",
        "action": "submit",
        "idempotency_key": "page-1",
    }
    with mock.patch("django.utils.timezone.now", return_value=day(dt.date(2026, 6, 15))):
        refused = client.post(url, post)
        assert refused.status_code == 400
        assert "请填写经营场所面积（平方米）" in refused.content.decode()
        done = client.post(url, {**post, "ff_premises_area": "120"})
    assert done.status_code == 302
    case = Case.objects.get(status=Case.STATUS_SUBMITTED)
    assert case.form["企业名称"] == "呼伦贝尔草原餐饮有限公司" and case.form["经营场所面积（平方米）"] == "120"
