"""CAT-4: the catalog exported to Excel and imported back, with a precise error report."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from govhall.catalog.excel import catalog_export, catalog_import, current_data
from govhall.catalog.excel_format import SHEETS
from govhall.catalog.models import Item, ItemEvent, ItemVersion
from govhall.catalog.services import item_cancel, item_create, version_to_data
from govhall.core.errors import PermissionDenied
from govhall.tests_support import MARKET_USCC, item_payload

FOOD, ID_CARD = "000111011000", "000107002000"


# --- helpers: edit a workbook the way a person would in Excel ----------------------------------


def export_all() -> bytes:
    return catalog_export(items=Item.objects.all())


def book(data: bytes):
    return load_workbook(io.BytesIO(data))


def to_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def column(ws, label: str) -> int:
    return [c.value for c in ws[1]].index(label) + 1


def row_of(ws, code: str, nth: int = 0) -> int:
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == code]
    return rows[nth]


def set_cell(wb, sheet: str, code: str, label: str, value, nth: int = 0) -> int:
    ws = wb[sheet]
    row = row_of(ws, code, nth)
    ws.cell(row, column(ws, label)).value = value
    return row


def versions() -> dict[str, int]:
    return dict(Item.objects.values_list("code", "current_version__number"))


def rich_item() -> Item:
    """An item that uses every kind of cell: fees with and without amount, intermediaries, text
    that looks like a formula, line breaks, a material that is not required, English name."""
    return item_create(
        actor=None,
        data=item_payload(
            code="11150727-0001",
            name="建设工程消防设计审查",
            name_en="Fire protection design review",
            item_type="01",
            level="township",
            department="新巴尔虎右旗行政审批和政务服务局",
            legal_basis="《中华人民共和国消防法》第十一条\n《建设工程消防设计审查验收管理暂行规定》",
            conditions="=符合国家工程建设消防技术标准",
            topics=["工程建设", "消防", "餐饮服务"],
            handling_type="promised",
            legal_limit_days=15,
            promised_limit_days=10,
            visits=2,
            online_depth="online_submit",
            tongban_scope="cross_province",
            commitment_allowed=False,
            commitment_verify_days=None,
            rongque=False,
            result_type="approval_document",
            licence_type="",
            proof_item=True,
            materials=[
                {
                    "name": "消防设计文件",
                    "source": "intermediary",
                    "source_note": "设计单位出具",
                    "form": "electronic",
                    "originals": 2,
                    "copies": 3,
                    "options": ["q2.y", "q1.a"],
                },
                {"name": "其他材料", "source": "other", "form": "paper", "required": False, "sample": "样表.pdf", "spec": "A4纸，加盖公章"},
            ],
            fees=[
                {"name": "审查费", "standard": "按面积计", "amount_fen": None, "basis": "省物价局文件"},
                {"name": "工本费", "standard": "5元/件", "amount_fen": 500, "basis": "财政部文件"},
            ],
            steps=[
                {"name": "受理", "role": "clerk", "limit_days": 0},
                {"name": "审查", "role": "section_head", "limit_days": 8, "options": ["q1.b"]},
                {"name": "决定", "role": "leader", "limit_days": 2},
                {"name": "送达", "role": "delivery", "limit_days": 1},
            ],
            intermediaries=[{"name": "消防设计", "basis": "《消防法》", "provider": "有资质的设计单位", "fee_basis": "市场调节价"}],
        ),
    )


def recode(data: bytes, prefix: str) -> bytes:
    """The same workbook with every 基本编码 prefixed: the catalog as another county would bring it."""
    wb = book(data)
    for spec in SHEETS:
        ws = wb[spec.name]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, 1).value:
                ws.cell(row, 1).value = prefix + ws.cell(row, 1).value
    return to_bytes(wb)


def errors_of(report) -> set[tuple]:
    return {(e.sheet, e.row, e.column, e.rule) for e in report.errors}


# --- export -------------------------------------------------------------------------------------


def test_export_has_one_sheet_per_table_with_chinese_headers_and_labels(county):
    wb = book(export_all())

    assert wb.sheetnames == ["事项", "申请材料", "收费", "办理环节", "审核要点", "中介服务", "情形", "说明"]
    items = wb["事项"]
    assert items.freeze_panes == "C2"
    assert items.cell(1, 1).font.bold
    food = row_of(items, FOOD)
    assert items.cell(food, column(items, "事项类型")).value == "行政许可"
    assert items.cell(food, column(items, "办件类型")).value == "承诺件"
    assert items.cell(food, column(items, "网办深度")).value == "全程网办"
    assert items.cell(food, column(items, "服务对象")).value == "个人；法人"
    assert items.cell(food, column(items, "容缺受理")).value == "是"
    assert items.cell(food, column(items, "证明事项")).value == "否"
    assert items.cell(food, column(items, "承诺办结时限")).value == 5
    materials = wb["申请材料"]
    assert [materials.cell(r, 2).value for r in range(2, materials.max_row + 1) if materials.cell(r, 1).value == FOOD][:2] == [
        "食品经营许可申请书",
        "营业执照",
    ]
    situations = wb["情形"]
    assert [c.value for c in situations[2]] == [FOOD, "q1", "申请人类型", "a", "企业"]
    assert "q1.a" in [materials.cell(r, column(materials, "适用情形")).value for r in range(2, materials.max_row + 1)]
    readme = [c.value for row in wb["说明"].iter_rows() for c in row if c.value]
    assert "即办件" in readme and "instant" in readme


def test_text_that_looks_like_a_formula_is_exported_as_text(county):
    rich_item()

    items = book(export_all())["事项"]

    cell = items.cell(row_of(items, "11150727-0001"), column(items, "受理条件"))
    assert cell.data_type == "s" and cell.value == "=符合国家工程建设消防技术标准"


def test_bulk_reader_gives_exactly_version_to_data(county):
    rich_item()
    items = list(Item.objects.order_by("code"))

    bulk = list(current_data([i.current_version_id for i in items]))

    assert bulk == [version_to_data(i.current_version) for i in items]


def test_export_queries_do_not_grow_with_the_number_of_items(county, django_assert_max_num_queries):
    for n in range(20):
        item_create(actor=None, data=item_payload(code=f"Q{n:05d}", name=f"事项{n}"))

    with django_assert_max_num_queries(16):
        catalog_export(items=Item.objects.all())


# --- round trip ---------------------------------------------------------------------------------


def test_round_trip_into_fresh_codes_gives_the_same_catalog(county):
    rich_item()
    originals = {i.code: version_to_data(i.current_version) for i in Item.objects.all()}

    report = catalog_import(actor=None, file=recode(export_all(), "X"))

    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    for code, data in originals.items():
        copy = Item.objects.get(code="X" + code)
        assert version_to_data(copy.current_version) == {**data, "code": "X" + code}
        assert copy.current_version.reason == "Excel导入"


def test_reimporting_an_unchanged_export_creates_no_new_version(county):
    rich_item()
    before = versions()

    report = catalog_import(actor=None, file=export_all())

    assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 0, 3, 0)
    assert versions() == before
    assert ItemVersion.objects.count() == 3


def test_changed_cell_creates_exactly_one_new_version_with_the_reason(county, sysadmin):
    wb = book(export_all())
    set_cell(wb, "事项", FOOD, "到现场次数", 1)

    report = catalog_import(actor=sysadmin, file=to_bytes(wb), reason="现场核验营业场所")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    food = Item.objects.get(code=FOOD)
    assert food.current_version.number == 2
    assert food.current_version.visits == 1
    assert food.current_version.reason == "现场核验营业场所"
    assert food.current_version.created_by == sysadmin
    assert ItemEvent.objects.filter(item=food, kind="changed", reason="现场核验营业场所").count() == 1
    assert Item.objects.get(code=ID_CARD).current_version.number == 1


def test_choices_are_read_from_codes_as_well_as_labels(county):
    wb = book(export_all())
    set_cell(wb, "事项", FOOD, "事项类型", "01")
    set_cell(wb, "事项", FOOD, "网办深度", "full_online")
    set_cell(wb, "事项", FOOD, "容缺受理", "1")
    set_cell(wb, "办理环节", FOOD, "办理人员", "clerk")

    report = catalog_import(actor=None, file=to_bytes(wb))

    assert (report.updated, report.unchanged, report.errors) == (0, 2, [])


def test_reordered_rows_make_a_new_version_in_the_new_order(county):
    wb = book(export_all())
    ws = wb["审核要点"]
    first, second = row_of(ws, FOOD, 0), row_of(ws, FOOD, 1)
    ws.cell(first, 2).value, ws.cell(second, 2).value = ws.cell(second, 2).value, ws.cell(first, 2).value

    report = catalog_import(actor=None, file=to_bytes(wb))

    assert report.updated == 1
    checklist = version_to_data(Item.objects.get(code=FOOD).current_version)["checklist"]
    assert checklist[:2] == ["经营场所与营业执照住所一致", "申请书填写完整并签字盖章"]


def test_a_missing_child_sheet_keeps_the_existing_rows(county):
    wb = book(export_all())
    del wb["申请材料"]
    set_cell(wb, "事项", FOOD, "事项名称", "食品经营许可证核发（新）")

    report = catalog_import(actor=None, file=to_bytes(wb))

    assert report.updated == 1, report.errors
    food = Item.objects.get(code=FOOD).current_version
    assert food.name == "食品经营许可证核发（新）"
    assert food.materials.count() == 6


def test_a_workbook_with_only_the_required_columns_creates_new_items(county):
    wb = Workbook()
    ws = wb.active
    ws.title = "事项"
    ws.append(
        [
            "基本编码",
            "事项名称",
            "事项类型",
            "实施主体",
            "设定依据",
            "服务对象",
            "办件类型",
            "法定办结时限",
            "承诺办结时限",
            "到现场次数",
            "网办深度",
        ]
    )
    ws.append(
        ["150727-0100", "个体工商户登记", "行政许可", MARKET_USCC, "《促进个体工商户发展条例》", "个人", "即办件", 15, 0, 0, "全程网办"]
    )
    materials = wb.create_sheet("申请材料")
    materials.append(["基本编码", "材料名称"])
    materials.append(["150727-0100", "经营者身份证"])

    report = catalog_import(actor=None, file=to_bytes(wb))

    assert (report.created, [str(e) for e in report.errors]) == (1, [])
    data = version_to_data(Item.objects.get(code="150727-0100").current_version)
    assert data["level"] == "county" and data["tongban_scope"] == "none" and data["department"] == "新巴尔虎右旗市场监督管理局"
    assert data["materials"][0]["required"] is True and data["materials"][0]["source"] == "applicant"


# --- errors -------------------------------------------------------------------------------------


def broken_workbook() -> tuple[bytes, dict[str, int]]:
    """An export with one new valid item and one mistake of each kind."""
    wb = book(export_all())
    rows = {
        "department": set_cell(wb, "事项", ID_CARD, "实施主体", "新巴尔虎右旗不存在局"),
        "limit": set_cell(wb, "办理环节", FOOD, "环节时限", -1, nth=1),
        "boolean": set_cell(wb, "申请材料", FOOD, "必要", "也许"),
        "integer": set_cell(wb, "申请材料", FOOD, "原件份数", "一份", nth=1),
    }
    ws = wb["审核要点"]
    ws.append(["999999999999", "不存在的事项的要点"])
    rows["orphan"] = ws.max_row
    items = wb["事项"]
    items.append([c.value for c in items[row_of(items, FOOD)]])
    items.cell(items.max_row, 1).value = "NEW-0001"
    items.cell(items.max_row, column(items, "容缺受理")).value = "否"  # it has no materials that may be deficient
    rows["new"] = items.max_row
    return to_bytes(wb), rows


def test_error_report_names_sheet_row_field_and_rule(county):
    data, rows = broken_workbook()

    report = catalog_import(actor=None, file=data)

    assert errors_of(report) == {
        ("事项", rows["department"], "实施主体", "unknown_department"),
        ("办理环节", rows["limit"], "环节时限", "min_value"),
        ("申请材料", rows["boolean"], "必要", "boolean"),
        ("申请材料", rows["integer"], "原件份数", "integer"),
        ("审核要点", rows["orphan"], "基本编码", "unknown_item"),
    }
    messages = {e.rule: str(e) for e in report.errors}
    assert messages["unknown_department"] == (
        f"“事项”表第{rows['department']}行【实施主体】：实施主体“新巴尔虎右旗不存在局”不是已登记的部门（unknown_department）"
    )
    assert "不能小于0（填写的是-1）" in messages["min_value"]
    assert "999999999999" in messages["unknown_item"]


def test_nothing_is_saved_when_any_row_is_wrong(county):
    data, _ = broken_workbook()
    before = versions()

    report = catalog_import(actor=None, file=data)

    assert report.blocked and "没有保存任何事项" in report.summary()
    assert (report.created, report.updated) == (0, 0)
    assert versions() == before
    assert not Item.objects.filter(code="NEW-0001").exists()


def test_valid_only_saves_the_valid_items_and_skips_the_rest(county):
    data, _ = broken_workbook()

    report = catalog_import(actor=None, file=data, valid_only=True)

    assert not report.blocked
    assert report.created_codes == ["NEW-0001"]
    assert sorted(report.skipped_codes) == sorted([FOOD, ID_CARD])
    assert len(report.errors) == 5
    assert Item.objects.filter(code="NEW-0001").exists()
    assert versions()[FOOD] == 1 and versions()[ID_CARD] == 1


def test_error_workbook_lists_every_error_for_download(county):
    data, rows = broken_workbook()
    report = catalog_import(actor=None, file=data)

    ws = book(report.errors_workbook())["错误报告"]

    assert [c.value for c in ws[2]] == ["工作表", "行号", "基本编码", "列", "规则", "说明"]
    listed = {(r[0], r[1], r[3], r[4]) for r in ws.iter_rows(min_row=3, values_only=True)}
    assert listed == errors_of(report)
    assert ("事项", rows["department"], ID_CARD) in {r[:3] for r in ws.iter_rows(min_row=3, values_only=True)}


def test_item_level_rules_point_at_the_cell_to_fix(county):
    wb = book(export_all())
    instant = set_cell(wb, "事项", ID_CARD, "办件类型", "即办件")
    visits = set_cell(wb, "事项", FOOD, "到现场次数", 3)
    set_cell(wb, "办理环节", FOOD, "环节时限", 9, nth=1)
    first_step = row_of(wb["办理环节"], FOOD)
    ref = set_cell(wb, "申请材料", FOOD, "适用情形", "q1-a", nth=2)
    option = set_cell(wb, "情形", FOOD, "选项编号", "a", nth=1)

    report = catalog_import(actor=None, file=to_bytes(wb))

    assert errors_of(report) == {
        ("事项", instant, "承诺办结时限", "instant_same_day"),
        ("事项", visits, "到现场次数", "max_value"),
        ("办理环节", first_step, "环节时限", "steps_exceed_limit"),
        ("申请材料", ref, "适用情形", "unknown_option"),
        ("情形", option, "选项编号", "unique"),
        # 经营者身份证 refers to q1.b, which no longer exists once option b is renamed a
        ("申请材料", ref + 1, "适用情形", "unknown_option"),
    }


def test_unknown_sheet_and_missing_column_block_even_valid_only(county):
    wb = book(export_all())
    wb.create_sheet("备注").append(["随手记"])
    wb["收费"].delete_cols(column(wb["收费"], "收费依据"))
    wb["事项"].cell(1, column(wb["事项"], "主题")).value = "主题分类"

    report = catalog_import(actor=None, file=to_bytes(wb), valid_only=True)

    assert report.blocked
    assert errors_of(report) == {
        ("备注", None, "", "unknown_sheet"),
        ("收费", 1, "收费依据", "missing_column"),
        ("事项", 1, "主题分类", "unknown_column"),
    }


def test_a_file_that_is_not_excel_is_reported_not_raised(county):
    report = catalog_import(actor=None, file=b"code,name\n1,2\n")

    assert report.blocked and [e.rule for e in report.errors] == ["file"]


def test_duplicate_code_on_the_item_sheet_is_an_error(county):
    wb = book(export_all())
    items = wb["事项"]
    items.append([c.value for c in items[row_of(items, FOOD)]])

    report = catalog_import(actor=None, file=to_bytes(wb))

    assert errors_of(report) == {("事项", items.max_row, "基本编码", "unique")}


def test_cancelled_item_cannot_be_changed_by_import(county):
    item_cancel(actor=None, item=Item.objects.get(code=FOOD), reason="已取消")
    wb = book(export_all())
    row = set_cell(wb, "事项", FOOD, "到现场次数", 1)

    report = catalog_import(actor=None, file=to_bytes(wb))

    assert errors_of(report) == {("事项", row, "基本编码", "cancelled")}


# --- permissions --------------------------------------------------------------------------------


def test_clerk_without_import_permission_is_refused_and_nothing_changes(county, clerk):
    wb = book(export_all())
    set_cell(wb, "事项", FOOD, "到现场次数", 1)
    before = versions()

    with pytest.raises(PermissionDenied):
        catalog_import(actor=clerk, file=to_bytes(wb))

    assert versions() == before


def test_department_admin_allowed_to_import_may_only_change_own_department(county, dept_admin):
    dept_admin.user_permissions.add(Permission.objects.get(codename="import_catalog"))
    dept_admin = type(dept_admin).objects.get(pk=dept_admin.pk)  # fresh permission cache
    wb = book(export_all())
    set_cell(wb, "事项", FOOD, "到现场次数", 1)
    row = set_cell(wb, "事项", ID_CARD, "承诺办结时限", 19)

    report = catalog_import(actor=dept_admin, file=to_bytes(wb), valid_only=True)

    assert report.updated_codes == [FOOD]
    assert errors_of(report) == {("事项", row, "实施主体", "permission")}


# --- commands -----------------------------------------------------------------------------------


def test_export_and_import_commands(county, tmp_path):
    path = tmp_path / "market.xlsx"
    out = io.StringIO()

    call_command("export_catalog", str(path), department="市场监管局", stdout=out)
    assert "已导出1个事项" in out.getvalue()
    assert [r[0] for r in book(path.read_bytes())["事项"].iter_rows(min_row=2, values_only=True)] == [FOOD]

    out = io.StringIO()
    call_command("import_catalog", str(path), stdout=out)
    assert "新增0项，更新0项，未变1项" in out.getvalue()


def test_export_command_writes_an_empty_template(county, tmp_path):
    path = tmp_path / "template.xlsx"

    call_command("export_catalog", str(path), template=True, stdout=io.StringIO())

    wb = book(path.read_bytes())
    assert wb["事项"].max_row == 1 and wb["情形"].max_row == 1
    assert catalog_import(actor=None, file=path).as_dict()["errors"] == []


def test_import_command_prints_each_error_and_fails(county, tmp_path):
    data, rows = broken_workbook()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data)
    report_path = tmp_path / "errors.xlsx"
    out = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_catalog", str(path), error_report=str(report_path), stdout=out)

    assert failure.value.returncode == 1
    assert "没有保存任何事项" in str(failure.value)
    assert f"“事项”表第{rows['department']}行【实施主体】" in out.getvalue()
    assert report_path.exists()


def test_import_command_valid_only_succeeds_with_skipped_items(county, tmp_path):
    data, _ = broken_workbook()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data)
    out = io.StringIO()

    call_command("import_catalog", str(path), valid_only=True, stdout=out)

    assert "新增1项" in out.getvalue() and "因错误跳过2项" in out.getvalue()


# --- documentation and scale --------------------------------------------------------------------


def test_format_document_describes_every_sheet_and_column():
    doc = (Path(settings.BASE_DIR) / "docs" / "catalog-excel-format.md").read_text(encoding="utf-8")

    for spec in SHEETS:
        assert f"## {spec.name}" in doc
        for col in spec.columns:
            assert f"| {col.label} |" in doc, (spec.name, col.label)


def test_round_trip_of_300_items(county):
    for n in range(300):
        item_create(actor=None, data=item_payload(code=f"GEN{n:05d}", name=f"生成事项{n}", promised_limit_days=5 + n % 5))

    started = time.perf_counter()
    data = export_all()
    exported = time.perf_counter()
    unchanged = catalog_import(actor=None, file=data)
    compared = time.perf_counter()
    created = catalog_import(actor=None, file=recode(data, "X"))
    finished = time.perf_counter()

    print(
        f"\n302 items: export {exported - started:.2f}s ({len(data) // 1024} KB), "
        f"re-import unchanged {compared - exported:.2f}s, import as new {finished - compared:.2f}s"
    )
    assert unchanged.unchanged == 302 and created.created == 302
