"""站内消息: each user reads only their own messages, the header counts the unread ones, opening one
marks it read and opens its page (its link, else its case as that user sees cases); all can be
marked read, the list filtered to the unread and exported; the same through the API."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govhall.cases.models import Notification
from govhall.cases.services.notifications import notify
from govhall.cases.tests.case_steps import submit

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


def test_a_user_reads_their_own_messages_and_opening_one_marks_it_read(client, clerk, approver):
    notify(users=[clerk], kind="test", text="第一条消息", link="/staff/")
    notify(users=[clerk, approver], kind="test", text="第二条消息", link="/staff/cases/window/")
    client.force_login(clerk)

    page = client.get(LIST).content.decode()
    assert page.index("第二条消息") < page.index("第一条消息")  # newest first
    assert 'aria-label="2条未读"' in page  # the header's count
    second = Notification.objects.get(user=clerk, text="第二条消息")
    response = client.get(reverse("notifications:go", args=[second.pk]))
    assert response.status_code == 302 and response["Location"] == "/staff/cases/window/"
    second.refresh_from_db()
    assert second.read_at is not None
    assert 'aria-label="1条未读"' in client.get("/staff/").content.decode()  # any page's header
    unread = client.get(LIST + "?show=unread").content.decode()
    assert "第一条消息" in unread and "第二条消息" not in unread
    # The approver's copy of the same message is theirs alone.
    other = Notification.objects.get(user=approver)
    assert client.get(reverse("notifications:go", args=[other.pk])).status_code == 404
    assert other.read_at is None and "第二条消息" in client.get(LIST).content.decode()


def test_mark_all_read_and_export(client, clerk):
    notify(users=[clerk], kind="test", text='=HYPERLINK("http://example.com")')
    notify(users=[clerk], kind="test", text="办件即将到期")
    client.force_login(clerk)

    book = load_workbook(io.BytesIO(client.get(LIST + "?format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("时间", "内容", "状态") and [r[1:] for r in rows[1:]] == [
        ("办件即将到期", "未读"),
        ('=HYPERLINK("http://example.com")', "未读"),
    ]
    assert book.active["B3"].data_type == "s"  # shown as text, never run

    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302 and not Notification.objects.filter(user=clerk, read_at__isnull=True).exists()
    page = client.get(LIST + "?show=unread").content.decode()
    assert "没有未读消息" in page and "2条未读" not in page


def test_a_message_about_a_case_opens_it_as_the_user_sees_cases(client, applicant, person, food, clerk):
    case = submit(applicant, food, person=person)
    notify(users=[applicant, clerk], kind="due_soon", text="办件将到期", case=case)

    client.force_login(applicant)
    mine = Notification.objects.get(user=applicant)
    assert client.get(reverse("notifications:go", args=[mine.pk]))["Location"] == reverse("cases_applicant:case", args=[case.pk])
    client.force_login(clerk)
    theirs = Notification.objects.get(user=clerk)
    assert client.get(reverse("notifications:go", args=[theirs.pk]))["Location"] == reverse("cases_staff:case", args=[case.pk])


@pytest.mark.parametrize("link", ["//evil.example.com/", "/\\evil.example.com/", "https://evil.example.com/", "javascript:alert(1)"])
def test_a_link_to_another_site_is_not_followed(client, clerk, link):
    notify(users=[clerk], kind="test", text="x", link=link)
    client.force_login(clerk)
    note = Notification.objects.get()
    assert client.get(reverse("notifications:go", args=[note.pk]))["Location"] == LIST


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/api/notifications/").status_code == 401


def test_the_api_lists_marks_read_and_refuses_another_users_message(client, clerk, approver):
    notify(users=[clerk], kind="test", text="甲", link="/staff/")
    notify(users=[approver], kind="test", text="乙")
    client.force_login(clerk)

    data = client.get("/api/notifications/").json()
    assert (data["count"], data["unread"], [i["text"] for i in data["items"]]) == (1, 1, ["甲"])
    assert data["items"][0]["target"] == "/staff/" and data["items"][0]["read"] is False
    note_id = data["items"][0]["id"]
    assert client.post(f"/api/notifications/{note_id}/read").json()["read"] is True
    assert client.get("/api/notifications/?unread=true").json()["count"] == 0
    other = Notification.objects.get(user=approver)
    assert client.post(f"/api/notifications/{other.pk}/read").status_code == 404
    notify(users=[clerk], kind="test", text="丙")
    assert client.post("/api/notifications/read-all").json() == {"marked": 1}


def test_the_page_in_english(client, clerk, settings):
    notify(users=[clerk], kind="test", text="办件即将到期")
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(LIST).content.decode()
    assert "Messages" in page and "Mark all as read" in page


def test_the_list_pages_by_twenty_keeping_the_filter(client, clerk):
    for n in range(25):
        notify(users=[clerk], kind="test", text=f"消息{n:02d}")
    client.force_login(clerk)
    first = client.get(LIST + "?show=unread").content.decode()
    assert "消息24" in first and "消息04" not in first and 'href="?show=unread&amp;page=2"' in first
    second = client.get(LIST + "?show=unread&page=2").content.decode()
    assert "消息04" in second and "消息05" not in second
