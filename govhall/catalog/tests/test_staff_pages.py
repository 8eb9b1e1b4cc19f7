"""Staff catalog pages: who gets in, editing makes versions, errors name the field, actions record
events, the health report and the Excel import page."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from govhall.catalog import services
from govhall.catalog.models import Item, ItemEvent, ItemVersion
from govhall.tests_support import item_payload

pytestmark = pytest.mark.django_db


# --- helpers ----------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """Reads the values a browser would submit from the first <form> with the given class."""

    def __init__(self, form_class: str):
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.form_class in (a.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select":
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            self.data.append((self._select, self._select_value if self._select_value is not None else (self._first_option or "")))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text.strip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def form_values(html: str, form_class: str = "item-form") -> dict[str, list[str]]:
    reader = _FormReader(form_class)
    reader.feed(html)
    values: dict[str, list[str]] = {}
    for name, value in reader.data:
        values.setdefault(name, []).append(value)
    return values


def edit_form(client, item: Item) -> dict[str, list[str]]:
    response = client.get(reverse("staff-item-edit", args=[item.id]))
    assert response.status_code == 200
    return form_values(response.content.decode())


def post(client, url: str, values: dict[str, list[str]]):
    return client.post(url, values)


def text(response) -> str:
    return response.content.decode()


def version_count(item: Item) -> int:
    return ItemVersion.objects.filter(item=item).count()


# --- who gets in ------------------------------------------------------------------------------


def page_urls(item: Item) -> list[str]:
    return [
        reverse("staff-items"),
        reverse("staff-item-new"),
        reverse("staff-item-edit", args=[item.id]),
        reverse("staff-item-history", args=[item.id]),
        reverse("staff-item-action", args=[item.id, "suspend"]),
        reverse("staff-item-action", args=[item.id, "transfer"]),
        reverse("staff-health"),
        reverse("staff-health-export"),
        reverse("staff-import"),
        reverse("staff-export"),
    ]


def test_anonymous_visitor_is_sent_to_login_from_every_staff_catalog_page(client, county):
    for url in page_urls(county.items["food"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_clerk_cannot_open_maintenance_pages_and_items_are_not_confirmed(client, clerk, county):
    food = county.items["food"]
    client.force_login(clerk)
    for name in ("staff-items", "staff-item-new", "staff-import", "staff-export"):
        assert client.get(reverse(name)).status_code == 403, name
    for url in (
        reverse("staff-item-edit", args=[food.id]),
        reverse("staff-item-history", args=[food.id]),
        reverse("staff-item-action", args=[food.id, "suspend"]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("staff-item-action", args=[food.id, "suspend"]), {"reason": "试试"})
    assert response.status_code == 404
    food.refresh_from_db()
    assert food.status == Item.STATUS_ACTIVE
    assert not ItemEvent.objects.filter(item=food, kind="suspended").exists()


def test_workbench_offers_item_maintenance_only_to_those_who_may_change_items(client, clerk, dept_admin, county):
    client.force_login(clerk)
    assert "事项维护" not in text(client.get(reverse("staff-home")))
    client.force_login(dept_admin)
    assert "事项维护" in text(client.get(reverse("staff-home")))


def test_other_department_admin_gets_404_for_an_item_of_another_department_and_changes_nothing(
    client, dept_admin, other_dept_admin, county
):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    values["reason"] = ["越权修改"]
    values["name"] = ["被改掉的名称"]
    client.force_login(other_dept_admin)
    assert client.get(reverse("staff-item-edit", args=[food.id])).status_code == 404
    assert client.get(reverse("staff-item-history", args=[food.id])).status_code == 404
    assert post(client, reverse("staff-item-edit", args=[food.id]), values).status_code == 404
    assert client.post(reverse("staff-item-action", args=[food.id, "cancel"]), {"reason": "越权"}).status_code == 404
    food.refresh_from_db()
    assert food.name == "食品经营许可证核发"
    assert food.status == Item.STATUS_ACTIVE
    assert version_count(food) == 1


def test_missing_item_is_404_not_403(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("staff-item-edit", args=[999999])).status_code == 404
    assert client.get(reverse("staff-item-action", args=[999999, "nonsense"])).status_code == 404


def test_clerk_cannot_see_health_report(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("staff-health")).status_code == 403
    assert client.get(reverse("staff-health-export")).status_code == 403


def test_department_admin_cannot_open_import_page(client, dept_admin):
    client.force_login(dept_admin)
    assert client.get(reverse("staff-import")).status_code == 403
    upload = SimpleUploadedFile("清单.xlsx", b"PK", content_type="application/octet-stream")
    assert client.post(reverse("staff-import"), {"file": upload}).status_code == 403


# --- list -------------------------------------------------------------------------------------


def test_department_admin_lists_only_their_own_departments_items(client, dept_admin):
    client.force_login(dept_admin)
    page = text(client.get(reverse("staff-items")))
    assert "食品经营许可证核发" in page
    assert "居民身份证换领" not in page


def test_sysadmin_lists_every_department_and_can_search_and_filter_by_status(client, sysadmin, county):
    services.item_suspend(actor=sysadmin, item=county.items["id_card"], reason="系统升级")
    client.force_login(sysadmin)
    page = text(client.get(reverse("staff-items")))
    assert "食品经营许可证核发" in page and "居民身份证换领" in page
    page = text(client.get(reverse("staff-items"), {"q": "spjy"}))
    assert "食品经营许可证核发" in page and "居民身份证换领" not in page
    page = text(client.get(reverse("staff-items"), {"status": "suspended"}))
    assert "居民身份证换领" in page and "食品经营许可证核发" not in page


# --- edit -------------------------------------------------------------------------------------


def test_edit_makes_a_new_version_with_the_reason_and_history_shows_the_change(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    assert values["expected_version"] == ["1"]
    assert values["materials-1-name"] == ["营业执照"]
    values["legal_limit_days"] = ["20"]
    values["materials-1-copies"] = ["2"]
    values["reason"] = ["依据新修订的管理办法调整法定时限"]

    response = post(client, reverse("staff-item-edit", args=[food.id]), values)

    assert response.status_code == 302
    food.refresh_from_db()
    assert food.current_version.number == 2
    assert food.current_version.legal_limit_days == 20
    assert food.current_version.reason == "依据新修订的管理办法调整法定时限"
    assert food.current_version.created_by == dept_admin
    assert food.current_version.materials.get(name="营业执照").copies == 2
    history = text(client.get(response["Location"]))
    assert "依据新修订的管理办法调整法定时限" in history
    assert "法定办结时限" in history and ">10<" in history and ">20<" in history
    assert "营业执照（复印件份数：1）" in history and "营业执照（复印件份数：2）" in history
    assert "变更" in history and "赵管理" in history


def test_a_negative_number_is_refused_with_the_row_and_field_named_and_nothing_saved(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    values["materials-2-copies"] = ["-1"]
    values["legal_limit_days"] = ["-1"]
    values["reason"] = ["调整材料份数"]

    response = post(client, reverse("staff-item-edit", args=[food.id]), values)

    assert response.status_code == 400
    page = text(response)
    assert "申请材料第3行 复印件份数不能小于0" in page
    assert "法定办结时限（工作日）不能小于0" in page
    assert 'href="#materials-2-copies"' in page
    assert version_count(food) == 1
    food.refresh_from_db()
    assert food.current_version.legal_limit_days == 10


def test_edit_without_a_reason_is_refused(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    values["promised_limit_days"] = ["4"]
    values["reason"] = [""]
    response = post(client, reverse("staff-item-edit", args=[food.id]), values)
    assert response.status_code == 400
    assert "请填写修改原因" in text(response)
    assert version_count(food) == 1


def test_second_editor_on_a_stale_version_gets_a_conflict_and_nothing_is_saved(client, dept_admin, sysadmin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    data = services.version_to_data(food.current_version)
    data["conditions"] = "先到的修改"
    services.item_update(actor=sysadmin, item=food, data=data, reason="另一位管理员先改")

    values["promised_limit_days"] = ["6"]
    values["reason"] = ["后到的修改"]
    response = post(client, reverse("staff-item-edit", args=[food.id]), values)

    assert response.status_code == 409
    assert "该事项已被他人修改" in text(response)
    food.refresh_from_db()
    assert food.current_version.number == 2
    assert food.current_version.promised_limit_days == 5
    assert food.current_version.conditions == "先到的修改"


def test_add_row_without_javascript_redisplays_the_form_with_an_empty_row_and_saves_nothing(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    values["add"] = ["checklist"]
    response = post(client, reverse("staff-item-edit", args=[food.id]), values)
    assert response.status_code == 200
    after = form_values(text(response))
    assert "checklist-3-row" in after and after["checklist-3-text"] == [""]
    assert "请填写修改原因" not in text(response)
    assert version_count(food) == 1


def test_added_and_removed_rows_are_saved(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    # htmx "添加一行" fetches an empty row numbered after the existing ones
    row = client.get(reverse("staff-item-row"), {"table": "checklist", "checklist-next": "3"}, HTTP_HX_REQUEST="true")
    assert 'name="checklist-3-text"' in text(row)
    assert 'hx-swap-oob="true"' in text(row) and 'value="4"' in text(row)
    values["checklist-3-row"] = ["1"]
    values["checklist-3-text"] = ["冷链设备温度记录完整"]
    # remove the second checklist row (as the browser does when "删除此行" is clicked)
    for key in [k for k in values if k.startswith("checklist-1-")]:
        del values[key]
    values["reason"] = ["调整审核要点"]

    response = post(client, reverse("staff-item-edit", args=[food.id]), values)

    assert response.status_code == 302
    food.refresh_from_db()
    assert list(food.current_version.checklist.values_list("text", flat=True)) == [
        "申请书填写完整并签字盖章",
        "设备布局满足生熟分开要求",
        "冷链设备温度记录完整",
    ]


def test_situation_options_are_edited_as_rows_under_their_question(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    assert values["options-0-question"] == ["q1"]
    values["options-4-row"] = ["1"]
    values["options-4-question"] = ["q1"]
    values["options-4-key"] = ["c"]
    values["options-4-label"] = ["农民专业合作社"]
    values["reason"] = ["增加申请人类型"]
    response = post(client, reverse("staff-item-edit", args=[food.id]), values)
    assert response.status_code == 302
    data = services.version_to_data(Item.objects.get(pk=food.pk).current_version)
    assert [o["label"] for o in data["situations"][0]["options"]] == ["企业", "个体工商户", "农民专业合作社"]


def test_an_option_of_an_unknown_question_is_named(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    values["options-9-row"] = ["1"]
    values["options-9-question"] = ["q9"]
    values["options-9-key"] = ["a"]
    values["options-9-label"] = ["孤立的选项"]
    values["reason"] = ["测试"]
    response = post(client, reverse("staff-item-edit", args=[food.id]), values)
    assert response.status_code == 400
    assert "情形选项第5行 所属问题编号“q9”不是上面列出的情形问题" in text(response)
    assert version_count(food) == 1


def test_new_item_is_created_for_the_admins_department(client, dept_admin, county):
    client.force_login(dept_admin)
    response = client.get(reverse("staff-item-new"))
    values = form_values(text(response))
    assert values["department"] == [str(county.departments["市场监管局"].id)]
    payload = item_payload()
    values.update(
        {
            "code": ["000111022000"],
            "name": ["食品小作坊登记"],
            "legal_basis": [payload["legal_basis"]],
            "audience": ["person"],
            "handling_type": ["promised"],
            "legal_limit_days": ["20"],
            "promised_limit_days": ["10"],
            "online_depth": ["full_online"],
            "materials-0-row": ["1"],
            "materials-0-name": ["登记申请书"],
            "materials-0-originals": ["1"],
            "materials-0-copies": ["0"],
            "materials-0-required": ["1"],
        }
    )
    response = client.post(reverse("staff-item-new"), values)
    assert response.status_code == 302, text(response)
    item = Item.objects.get(code="000111022000")
    assert item.department == county.departments["市场监管局"]
    assert item.current_version.materials.get().name == "登记申请书"
    assert ItemEvent.objects.filter(item=item, kind="created", actor=dept_admin).exists()


# --- actions ----------------------------------------------------------------------------------


def test_suspend_and_resume_record_events_with_reasons(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    response = client.post(reverse("staff-item-action", args=[food.id, "suspend"]), {"reason": "上级部门调整许可条件"})
    assert response.status_code == 302
    food.refresh_from_db()
    assert food.status == Item.STATUS_SUSPENDED
    response = client.post(reverse("staff-item-action", args=[food.id, "resume"]), {"reason": "调整完毕"})
    food.refresh_from_db()
    assert food.status == Item.STATUS_ACTIVE
    history = text(client.get(reverse("staff-item-history", args=[food.id])))
    assert "暂停" in history and "上级部门调整许可条件" in history
    assert "恢复" in history and "调整完毕" in history
    assert "在用 → 暂停" in history


def test_action_without_reason_is_refused_and_nothing_changes(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    response = client.post(reverse("staff-item-action", args=[food.id, "cancel"]), {"reason": ""})
    assert response.status_code == 400
    assert "请填写原因" in text(response)
    food.refresh_from_db()
    assert food.status == Item.STATUS_ACTIVE


def test_delegate_to_a_township_records_from_and_to_departments(client, dept_admin, county):
    food = county.items["food"]
    township = county.departments["阿镇"]
    client.force_login(dept_admin)
    page = text(client.get(reverse("staff-item-action", args=[food.id, "delegate"])))
    assert "阿拉坦额莫勒镇人民政府" in page
    assert "新巴尔虎右旗公安局" not in page  # only townships may receive a delegated item

    response = client.post(
        reverse("staff-item-action", args=[food.id, "delegate"]), {"to_department": township.id, "reason": "赋予乡镇审批权"}
    )

    assert response.status_code == 302
    food.refresh_from_db()
    assert food.department == township
    assert food.current_version.level == "township"
    event = ItemEvent.objects.get(item=food, kind="delegated")
    assert event.before["department"] == "新巴尔虎右旗市场监督管理局"
    assert event.after["department"] == "阿拉坦额莫勒镇人民政府"
    # the market admin no longer maintains it
    assert client.get(reverse("staff-item-history", args=[food.id])).status_code == 404


def test_delegate_to_a_county_department_is_refused(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    response = client.post(
        reverse("staff-item-action", args=[food.id, "delegate"]), {"to_department": county.departments["公安局"].id, "reason": "下放"}
    )
    assert response.status_code == 400
    food.refresh_from_db()
    assert food.department == county.departments["市场监管局"]
    assert not ItemEvent.objects.filter(item=food, kind="delegated").exists()


def test_transfer_to_the_approval_bureau_is_shown_in_history(client, sysadmin, county):
    food = county.items["food"]
    bureau = county.departments["审批局"]
    client.force_login(sysadmin)
    response = client.post(
        reverse("staff-item-action", args=[food.id, "transfer"]), {"to_department": bureau.id, "reason": "相对集中行政许可权改革"}
    )
    assert response.status_code == 302
    food.refresh_from_db()
    assert food.department == bureau
    history = text(client.get(reverse("staff-item-history", args=[food.id])))
    assert "划转" in history and "相对集中行政许可权改革" in history
    assert "由“新巴尔虎右旗市场监督管理局”至“新巴尔虎右旗行政审批和政务服务局”" in history


def test_cancelled_item_can_no_longer_be_edited(client, dept_admin, county):
    food = county.items["food"]
    client.force_login(dept_admin)
    values = edit_form(client, food)
    client.post(reverse("staff-item-action", args=[food.id, "cancel"]), {"reason": "法律依据废止"})
    values["promised_limit_days"] = ["4"]
    values["reason"] = ["取消后还想改"]
    assert post(client, reverse("staff-item-edit", args=[food.id]), values).status_code == 404
    assert "该事项已取消" in text(client.get(reverse("staff-item-edit", args=[food.id])))
    assert version_count(food) == 1


# --- health -----------------------------------------------------------------------------------


def test_health_page_lists_an_item_whose_promised_limit_is_not_below_the_legal_one(client, supervisor, county):
    food = county.items["food"]
    data = services.version_to_data(food.current_version)
    data.update(promised_limit_days=10, legal_limit_days=10)
    services.item_update(actor=None, item=food, data=data, reason="未压缩")
    client.force_login(supervisor)

    page = text(client.get(reverse("staff-health")))

    assert "食品经营许可证核发" in page
    assert "承诺时限（10）未少于法定时限（10）" in page
    assert "承诺时限未少于法定时限" in page  # the summary by problem
    police = county.departments["公安局"].id
    filtered = text(client.get(reverse("staff-health"), {"department": police}))
    assert "食品经营许可证核发" not in filtered


def test_health_report_exports_to_excel(client, supervisor, county):
    food = county.items["food"]
    data = services.version_to_data(food.current_version)
    data.update(promised_limit_days=10)
    services.item_update(actor=None, item=food, data=data, reason="未压缩")
    client.force_login(supervisor)
    response = client.get(reverse("staff-health-export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["体检结果"].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "基本编码", "事项名称")
    assert any(r[2] == "食品经营许可证核发" and "承诺时限" in r[5] for r in rows[1:])
    assert "按问题汇总" in book.sheetnames and "按部门汇总" in book.sheetnames


# --- import and export ------------------------------------------------------------------------


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def test_import_refuses_a_file_that_is_not_xlsx_by_name_or_content(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("staff-import"), {"file": SimpleUploadedFile("清单.xls", b"\xd0\xcf\x11\xe0")})
    assert response.status_code == 400
    assert "只能上传 .xlsx" in text(response)
    response = client.post(reverse("staff-import"), {"file": SimpleUploadedFile("清单.xlsx", b"not a zip at all")})
    assert "文件内容不是 Excel 工作簿" in text(response)
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    response = client.post(reverse("staff-import"), {"file": SimpleUploadedFile("清单.xlsx", fake.getvalue())})
    assert "缺少 xl/workbook.xml" in text(response)


def test_import_refuses_a_file_over_10_mb(client, sysadmin):
    client.force_login(sysadmin)
    big = SimpleUploadedFile("清单.xlsx", _xlsx_bytes() + b"\0" * (10 * 1024 * 1024))
    response = client.post(reverse("staff-import"), {"file": big})
    assert response.status_code == 400
    assert "文件不能超过10 MB" in text(response)


def test_export_then_import_round_trip_reports_unchanged_items(client, sysadmin, county, django_capture_on_commit_callbacks):
    client.force_login(sysadmin)
    exported = client.get(reverse("staff-export"))
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("清单.xlsx", exported.content)
    with django_capture_on_commit_callbacks(execute=True):  # the import task runs when the upload commits
        uploaded = client.post(reverse("staff-import"), {"file": upload})
    response = client.get(uploaded["Location"])
    assert response.status_code == 200, text(response)
    assert "导入结果" in text(response)
    assert version_count(county.items["food"]) == 1


def test_import_with_errors_shows_the_row_and_offers_the_error_report(client, sysadmin, county, django_capture_on_commit_callbacks):
    from govhall.catalog import excel

    client.force_login(sysadmin)
    book = load_workbook(io.BytesIO(excel.catalog_export(items=Item.objects.all())))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    column = next(i for i, h in enumerate(headers, start=1) if h and "承诺办结时限" in str(h))
    sheet.cell(row=2, column=column, value=-1)
    buffer = io.BytesIO()
    book.save(buffer)

    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(reverse("staff-import"), {"file": SimpleUploadedFile("清单.xlsx", buffer.getvalue())})
    job_url = uploaded["Location"]
    page = text(client.get(job_url))

    assert "不能小于0" in page
    assert version_count(county.items["food"]) == 1 and version_count(county.items["id_card"]) == 1
    download = client.get(job_url + "output/")
    assert download.status_code == 200
    assert f'href="{job_url}output/"' in page, "the page offers the error report"
    load_workbook(io.BytesIO(b"".join(download.streaming_content)))


def test_history_diff_names_removed_and_repeated_steps_in_chinese(client, dept_admin, county):
    food = county.items["food"]
    data = services.version_to_data(food.current_version)
    data["steps"] = [s for s in data["steps"] if s["name"] != "受理"] + [
        {"name": "制证", "role": "certifier", "limit_days": 0, "options": []}
    ]
    data["handling_type"] = "promised"
    data["online_depth"] = "online_submit"
    services.item_update(actor=dept_admin, item=food, data=data, reason="调整环节")
    client.force_login(dept_admin)

    page = text(client.get(reverse("staff-item-history", args=[food.id]), {"a": 1, "b": 2}))

    assert "受理（办理人员：窗口受理；环节时限：0）" in page  # removed
    assert "制证（办理人员：制证；环节时限：0）" in page  # the second 制证, added
    assert "全程网办" in page and "网上申报、窗口办理" in page  # choice names, not codes


def test_staff_item_list_search_ranks_like_the_public_search(client, county, sysadmin):
    client.force_login(sysadmin)
    page = client.get("/staff/catalog/items/", {"q": "jmsfz"}).content.decode()
    assert "居民身份证换领" in page and "食品经营许可证核发" not in page
