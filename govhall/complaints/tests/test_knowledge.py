"""The knowledge base: search by Chinese, full pinyin and initials, ranking, drafts hidden from the
public, who may edit what."""

import pytest

from govhall.complaints.models import KnowledgeEntry
from govhall.complaints.selectors import knowledge_search
from govhall.complaints.services import entry_save
from govhall.complaints.tests.conftest import client_for
from govhall.core.errors import PermissionDenied, ValidationError


@pytest.fixture
def entries(centre_admin, county):
    food = county.items["food"]
    made = {
        "food": entry_save(
            actor=centre_admin,
            question="办理食品经营许可证需要哪些材料？",
            answer="食品经营许可申请书、营业执照、设备布局和操作流程文件。",
            topic="餐饮服务",
            items=[food],
        ),
        "queue": entry_save(
            actor=centre_admin,
            question="政务服务中心怎样取号？",
            answer="在一楼自助取号机刷身份证取号，也可以网上预约后签到取号。",
            topic="大厅服务",
        ),
        "answer_only": entry_save(actor=centre_admin, question="在哪里交材料？", answer="食品经营相关材料交到B区专窗。", topic="大厅服务"),
        "draft": entry_save(
            actor=centre_admin,
            question="食品经营许可证延续怎么办？",
            answer="（草稿）",
            status=KnowledgeEntry.STATUS_DRAFT,
        ),
    }
    return made


def _questions(query: str, **kwargs) -> list[str]:
    return [e.question for e in knowledge_search(query=query, **kwargs)]


def test_search_finds_an_entry_by_chinese(entries):
    assert _questions("食品经营")[0] == "办理食品经营许可证需要哪些材料？"


def test_search_finds_an_entry_by_full_pinyin(entries):
    assert "办理食品经营许可证需要哪些材料？" in _questions("shipinjingying")


def test_search_finds_an_entry_by_initials(entries):
    assert _questions("zwfwzx") == ["政务服务中心怎样取号？"]


def test_a_question_hit_ranks_before_an_answer_hit(entries):
    found = _questions("食品经营")
    assert found.index("办理食品经营许可证需要哪些材料？") < found.index("在哪里交材料？")


def test_the_public_does_not_find_drafts(entries):
    assert "食品经营许可证延续怎么办？" not in _questions("食品经营")
    assert "食品经营许可证延续怎么办？" in _questions("食品经营", published_only=False)
    page = client_for_anonymous().get("/kb/?q=shipin").content.decode()
    assert "食品经营许可证延续怎么办？" not in page
    assert "办理食品经营许可证需要哪些材料？" in page
    assert client_for_anonymous().get(f"/kb/{entries['draft'].pk}/").status_code == 404


def client_for_anonymous():
    from django.test import Client

    return Client()


def test_the_public_page_paginates_and_the_entry_links_its_items_guide(entries, county):
    client = client_for_anonymous()
    page = client.get(f"/kb/{entries['food'].pk}/").content.decode()
    assert f"/catalog/items/{county.items['food'].pk}/" in page
    entries["food"].refresh_from_db()
    assert entries["food"].view_count == 1


def test_the_public_api_searches_by_initials(entries):
    data = client_for_anonymous().get("/api/complaints/knowledge?q=spjy").json()
    assert [r["question"] for r in data["results"]][0] == "办理食品经营许可证需要哪些材料？"
    assert data["results"][0]["items"][0]["name"] == "食品经营许可证核发"


def test_a_department_admin_edits_entries_of_their_departments_items(entries, dept_admin):
    entry = entry_save(
        actor=dept_admin,
        entry=entries["food"],
        question="食品经营许可证要哪些材料？",
        answer="见办事指南。",
        items=entries["food"].items.all(),
    )
    assert entry.question == "食品经营许可证要哪些材料？"


def test_another_department_admin_cannot_edit_it(entries, other_dept_admin):
    with pytest.raises(PermissionDenied):
        entry_save(actor=other_dept_admin, entry=entries["food"], question="改", answer="改")
    response = client_for(other_dept_admin).post(
        f"/staff/complaints/kb/{entries['food'].pk}/", {"question": "改", "answer": "改", "status": "published"}
    )
    assert response.status_code == 404
    entries["food"].refresh_from_db()
    assert entries["food"].question == "办理食品经营许可证需要哪些材料？"


def test_a_department_admin_cannot_link_another_departments_item(dept_admin, county):
    with pytest.raises(ValidationError) as exc:
        entry_save(actor=dept_admin, question="身份证怎么补办？", answer="到公安窗口。", items=[county.items["id_card"]])
    assert exc.value.errors[0].field == "items"


def test_a_clerk_cannot_write_entries(clerk):
    with pytest.raises(PermissionDenied):
        entry_save(actor=clerk, question="问", answer="答")
    assert client_for(clerk).get("/staff/complaints/kb/new/").status_code == 403


def test_staff_see_drafts_and_export_the_list(entries, clerk):
    client = client_for(clerk)
    assert "食品经营许可证延续怎么办？" in client.get("/staff/complaints/kb/?q=shipin").content.decode()
    response = client.get("/staff/complaints/kb/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
