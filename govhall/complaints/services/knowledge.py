"""Keeping the knowledge base (知识库): writing an entry and counting its views."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import Item
from govhall.catalog.search import build_search_text
from govhall.complaints import permissions
from govhall.complaints.models import KnowledgeEntry
from govhall.core.errors import ErrorCollector, PermissionDenied
from govhall.org.models import Department


def search_fields(*, question: str, answer: str, topic: str, keywords: str) -> tuple[str, str]:
    """(question_search, search_text) of an entry: the question, keywords and topic in Chinese, full
    pinyin and initials; the answer in Chinese only (pinyin of a long answer would match anything)."""
    words = " ".join(keywords.replace("，", " ").replace(",", " ").replace("、", " ").split())
    question_search = build_search_text(question)
    extra = build_search_text(*words.split(), topic)
    return question_search, " ".join(p for p in (question_search, extra, (answer or "").lower()) if p)


def entry_save(
    *,
    actor,
    entry: KnowledgeEntry | None = None,
    question: str,
    answer: str,
    topic: str = "",
    keywords: str = "",
    status: str = KnowledgeEntry.STATUS_PUBLISHED,
    items: Iterable[Item] = (),
    department: Department | None = None,
) -> KnowledgeEntry:
    """Create or change an entry. A department admin writes entries owned by their department
    (or linked to its items) and may link only their department's items."""
    if not permissions.can_manage_knowledge(actor):
        raise PermissionDenied(_("无权维护知识库"))
    if entry is not None and not permissions.can_edit_entry(actor, entry):
        raise PermissionDenied(_("只能维护本部门的知识库条目"))
    is_centre_admin = actor.has_perm("complaints.callback_complaint")
    profile = permissions.staff_profile(actor)
    own_department = profile.department if profile else None
    items = list(items)
    errors = ErrorCollector()
    question, answer, topic, keywords = (question or "").strip(), (answer or "").strip(), (topic or "").strip(), (keywords or "").strip()
    if not question:
        errors.add("question", "required", _("请填写问题"))
    if not answer:
        errors.add("answer", "required", _("请填写解答"))
    if status not in (KnowledgeEntry.STATUS_PUBLISHED, KnowledgeEntry.STATUS_DRAFT):
        errors.add("status", "choice", _("状态只能是已发布或草稿"))
    if not is_centre_admin:
        kept = set(entry.items.values_list("pk", flat=True)) if entry is not None else set()
        foreign = [i.name for i in items if i.pk not in kept and (own_department is None or i.department_id != own_department.pk)]
        if foreign:
            errors.add("items", "department", _("只能关联本部门的事项：%(names)s") % {"names": "、".join(foreign)})
        department = own_department if entry is None else entry.department or own_department
    errors.raise_if_any()
    question_search, search_text = search_fields(question=question, answer=answer, topic=topic, keywords=keywords)
    with transaction.atomic():
        if entry is None:
            entry = KnowledgeEntry()
        else:
            entry = KnowledgeEntry.objects.select_for_update().get(pk=entry.pk)
        entry.question, entry.answer, entry.topic, entry.keywords, entry.status = question, answer, topic, keywords, status
        entry.department = department
        entry.question_search, entry.search_text = question_search, search_text
        entry.updated_by, entry.updated_at = actor, timezone.now()
        entry.save()
        entry.items.set(items)
    return entry


def entry_viewed(*, entry: KnowledgeEntry) -> None:
    KnowledgeEntry.objects.filter(pk=entry.pk).update(view_count=F("view_count") + 1)
