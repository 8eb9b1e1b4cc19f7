"""The public catalog pages: search, the 十张清单, the online guide with situations, PDFs and Excel (CAT-2, CAT-4, CAT-5)."""

from __future__ import annotations

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse

from govhall.catalog.choices import PUBLIC_LISTS
from govhall.catalog.services import item_create, item_suspend
from govhall.tests_support import item_payload

pytestmark = pytest.mark.django_db

FOOD = "食品经营许可证核发"
ID_CARD = "居民身份证换领"


def _list(client, **params):
    return client.get(reverse("catalog-list"), params)


def _item_page(client, item, **params):
    return client.get(reverse("catalog-item", args=[item.id]), params)


def _attachment_filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    encoded = disposition.split("filename*=utf-8''", 1)[1]
    return unquote(encoded)


# --- search -----------------------------------------------------------------------------------


def test_search_by_pinyin_initials_finds_the_item(client, county):
    page = _list(client, q="spjy").content.decode()
    assert FOOD in page
    assert ID_CARD not in page
    assert "共找到 <strong>1</strong> 项事项" in page


def test_search_by_full_pinyin_finds_the_item(client, county):
    page = _list(client, q="shipinjingyingxukezheng").content.decode()
    assert FOOD in page
    assert ID_CARD not in page


def test_search_by_chinese_words_finds_the_item(client, county):
    page = _list(client, q="身份证").content.decode()
    assert ID_CARD in page
    assert FOOD not in page


def test_search_without_match_says_nothing_was_found(client, county):
    page = _list(client, q="zzzzqqq").content.decode()
    assert "没有找到符合条件的事项" in page
    assert "导出Excel" not in page


def test_department_filter_shows_only_that_departments_items(client, county):
    page = _list(client, department=county.departments["公安局"].id).content.decode()
    assert ID_CARD in page
    assert FOOD not in page


def test_type_filter_shows_only_that_type(client, county):
    page = _list(client, type="20").content.decode()  # 公共服务
    assert ID_CARD in page
    assert FOOD not in page


def test_audience_filter_for_enterprises_leaves_out_items_only_for_persons(client, county):
    page = _list(client, audience="enterprise").content.decode()
    assert FOOD in page
    assert ID_CARD not in page


def test_topic_filter_shows_only_items_of_that_topic(client, county):
    page = _list(client, topic="户籍办理").content.decode()
    assert ID_CARD in page
    assert FOOD not in page


def test_public_list_filter_shows_the_lists_name_as_heading(client, county):
    page = _list(client, list="fee").content.decode()
    assert "<h1>行政事业性收费清单</h1>" in page
    assert ID_CARD in page  # 工本费 20元
    assert FOOD not in page


def test_power_list_shows_accountability_of_each_item(client, county):
    page = _list(client, list="power").content.decode()
    assert FOOD in page
    assert "追责情形：" in page


def test_filter_values_that_name_nothing_are_ignored(client, county):
    for department in ("x", "²", "9" * 40):
        response = _list(client, list="nonsense", type="99", audience="alien", department=department, page="abc")
        assert response.status_code == 200
        page = response.content.decode()
        assert FOOD in page and ID_CARD in page


def test_results_are_paginated_20_per_page(client, county):
    for n in range(25):
        item_create(actor=None, data=item_payload(code=f"00011101{n:04d}", name=f"食品小作坊登记{n}"))
    first = _list(client, q="spxzf").content.decode()
    assert "共找到 <strong>25</strong> 项事项" in first
    assert "第 1 页，共 2 页" in first
    assert first.count('class="item-row card"') == 20
    second = _list(client, q="spxzf", page=2).content.decode()
    assert second.count('class="item-row card"') == 5
    assert "上一页" in second


def test_htmx_search_returns_only_the_results_partial(client, county):
    response = client.get(reverse("catalog-list"), {"q": "spjy"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="catalog-search"' not in page
    assert 'id="results"' in page and FOOD in page
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == f"{reverse('catalog-list')}?q=spjy"  # without the empty fields


def test_suspended_item_is_not_listed(client, county):
    item_suspend(actor=None, item=county.items["food"], reason="法律依据修订，暂停办理")
    assert FOOD not in _list(client).content.decode()


# --- export and the 十张清单 --------------------------------------------------------------------


def test_export_returns_an_xlsx_of_exactly_the_filtered_items(client, county):
    response = client.get(reverse("catalog-export"), {"q": "spjy"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert _attachment_filename(response).endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert FOOD in cells
    assert ID_CARD not in cells


def test_export_of_a_public_list_is_named_after_the_list(client, county):
    response = client.get(reverse("catalog-export"), {"list": "power"})
    assert _attachment_filename(response) == "权责清单.xlsx"


def test_lists_page_shows_ten_lists_with_counts_and_links(client, county):
    page = client.get(reverse("catalog-lists")).content.decode()
    for _code, label in PUBLIC_LISTS:
        assert label in page
    assert page.count('class="card list-card"') == 10
    assert f'href="{reverse("catalog-list")}?list=power"' in page
    assert "<strong>0</strong> 项" in page  # 中介服务: none in the small county


# --- the item page ----------------------------------------------------------------------------


def test_item_page_shows_every_element_group_and_the_version(client, county):
    page = _item_page(client, county.items["food"]).content.decode()
    headings = ("基本信息", "设定依据", "受理条件", "申请材料", "办理流程", "收费", "办理时限", "办理结果", "办理地点与咨询", "中介服务")
    for heading in headings:
        assert f"<h2>{heading}</h2>" in page
    assert "《中华人民共和国食品安全法》第三十五条" in page
    assert "第 1 版，更新于" in page
    assert "新巴尔虎右旗政务服务中心一楼综合受理窗口" in page
    assert "比法定时限压缩 50%" in page


def test_item_page_without_situation_lists_every_material(client, county):
    page = _item_page(client, county.items["food"]).content.decode()
    for material in ("食品经营许可申请书", "营业执照", "法定代表人身份证明", "经营者身份证", "冷藏冷冻设施清单"):
        assert material in page
    assert "本事项共6份材料，其中3份只在特定情形下需要" in page


def test_situation_choice_narrows_the_materials(client, county):
    page = _item_page(client, county.items["food"], s="q1.a,q2.n").content.decode()
    assert "法定代表人身份证明" in page
    assert "经营者身份证" not in page
    assert "冷藏冷冻设施清单" not in page
    assert "现场核查" not in page  # the step only for 冷藏冷冻
    assert "根据您的情形，需要提交以下4份材料" in page


def test_situation_answered_in_part_marks_what_depends_on_the_rest(client, county):
    page = _item_page(client, county.items["food"], s="q1.b").content.decode()
    assert "经营者身份证" in page
    assert "法定代表人身份证明" not in page
    assert "根据您的情形，需要提交以下4份材料；另有1份材料是否需要" in page


def test_chosen_answers_are_checked_in_the_form(client, county):
    page = _item_page(client, county.items["food"], s="q1.a").content.decode()
    assert 'name="s.q1" value="a" checked' in page
    assert 'name="s.q1" value="b">' in page


def test_situation_form_without_javascript_redirects_to_the_shareable_link(client, county):
    item = county.items["food"]
    response = client.get(reverse("catalog-item", args=[item.id]), {"s.q2": "y", "s.q1": "a"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('catalog-item', args=[item.id])}?s=q1.a%2Cq2.y"


def test_invalid_situation_refs_are_ignored_with_a_note(client, county):
    response = _item_page(client, county.items["food"], s="q9.z,q1.a,q1.b,nonsense")
    assert response.status_code == 200
    page = response.content.decode()
    assert "链接中的以下情形选项不属于本事项，已忽略" in page
    assert "<code>q9.z</code>" in page and "<code>nonsense</code>" in page and "<code>q1.b</code>" in page
    assert "法定代表人身份证明" in page
    assert "经营者身份证" not in page


def test_htmx_situation_request_returns_only_the_materials_partial(client, county):
    item = county.items["food"]
    response = client.get(reverse("catalog-item", args=[item.id]), {"s.q1": "a"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "基本信息" not in page
    assert page.startswith('<div id="situation-result"')
    assert "法定代表人身份证明" in page and "经营者身份证" not in page
    assert response["HX-Push-Url"] == f"{reverse('catalog-item', args=[item.id])}?s=q1.a"


def test_power_list_item_shows_accountability(client, county):
    page = _item_page(client, county.items["food"]).content.decode()
    assert "<h2>追责情形</h2>" in page
    assert "依法追究责任" in page


def test_public_service_item_has_no_accountability_section(client, county):
    page = _item_page(client, county.items["id_card"]).content.decode()
    assert "<h2>追责情形</h2>" not in page
    assert "居民身份证工本费" in page  # its fee


def test_suspended_item_page_is_404_for_the_public(client, county):
    item = county.items["food"]
    item_suspend(actor=None, item=item, reason="法律依据修订，暂停办理")
    assert _item_page(client, item).status_code == 404
    assert client.get(reverse("catalog-item-pdf", args=[item.id])).status_code == 404


def test_unknown_item_is_404(client, county):
    assert client.get(reverse("catalog-item", args=[999999])).status_code == 404


# --- PDFs -------------------------------------------------------------------------------------


def test_guide_pdf_is_a_pdf_attachment_with_the_chinese_filename(client, county):
    item = county.items["food"]
    response = client.get(reverse("catalog-item-pdf", args=[item.id]), {"kind": "guide"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _attachment_filename(response) == "办事指南-食品经营许可证核发.pdf"


def test_notice_pdf_for_a_situation(client, county):
    item = county.items["food"]
    response = client.get(reverse("catalog-item-pdf", args=[item.id]), {"kind": "notice", "s": "q1.a,bogus"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert _attachment_filename(response) == "一次性告知单-食品经营许可证核发.pdf"


def test_item_page_links_the_pdfs_for_the_chosen_situation(client, county):
    item = county.items["food"]
    page = _item_page(client, item, s="q1.a,q2.y").content.decode()
    pdf_url = reverse("catalog-item-pdf", args=[item.id])
    assert f'href="{pdf_url}?kind=notice&amp;s=q1.a%2Cq2.y"' in page
    assert f'href="{pdf_url}?kind=guide&amp;s=q1.a%2Cq2.y"' in page


def test_unknown_pdf_kind_is_404(client, county):
    item = county.items["food"]
    assert client.get(reverse("catalog-item-pdf", args=[item.id]), {"kind": "poster"}).status_code == 404
