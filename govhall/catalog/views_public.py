"""Public catalog pages: search (CAT-4), the 十张清单, the online guide with situations (CAT-2) and its
PDFs (CAT-5). Every page works as plain GET forms; htmx only swaps the part that changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from govhall.catalog import choices
from govhall.catalog.excel import catalog_export
from govhall.catalog.models import Item, ItemVersion, Topic
from govhall.catalog.pdf import guide_filename, item_guide_pdf
from govhall.catalog.selectors import ItemFilters, applicable, get_item, items_search
from govhall.core.http import HtmxHttpRequest, attachment_disposition
from govhall.core.i18n import translated_choices
from govhall.org.models import Department

PAGE_SIZE = 20  # the same page size as the JSON API
DEPARTMENT_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits that fit a 64-bit id
MAX_SITUATION_REFS = 50  # more answers than any item has questions: the rest is noise

LIST_DESCRIPTIONS = {
    "power": _("行政权力事项的职权、责任事项与追责情形"),
    "public_service": _("面向群众和企业提供的公共服务事项"),
    "fee": _("依法收取行政事业性收费的事项及其标准和依据"),
    "intermediary": _("办理中需要中介机构提供服务的事项"),
    "random_check": _("“双随机、一公开”抽查的事项"),
    "rongque": _("次要材料欠缺时可先行受理、限期补正的事项"),
    "tongban": _("可在全旗、全市、全区或跨省异地办理的事项"),
    "proof": _("需要申请人提供证明材料的事项"),
    "enterprise_permit": _("企业从事经营活动须取得许可的事项"),
    "supervision": _("纳入事中事后监管的事项"),
}

GUIDE_KINDS = ("guide", "notice")  # 办事指南, 一次性告知单
PUBLIC_LISTS = translated_choices(choices.PUBLIC_LISTS)
LIST_NAMES = dict(PUBLIC_LISTS)


# --- search and lists -------------------------------------------------------------------------


def _filters_from(params) -> ItemFilters:
    """The search filters from GET parameters (the JSON API's names); values that name nothing are dropped."""
    department = params.get("department", "")
    item_type = params.get("type", "")
    audience = params.get("audience", "")
    public_list = params.get("list", "")
    return ItemFilters(
        q=params.get("q", "").strip()[:100],
        department=int(department) if DEPARTMENT_ID.fullmatch(department) else None,
        item_type=item_type if item_type in choices.ITEM_TYPE_LABELS else "",
        audience=audience if audience in ("person", "enterprise") else "",
        topic=params.get("topic", "").strip()[:40],
        public_list=public_list if public_list in choices.PUBLIC_LIST_LABELS else "",
    )


def _querystring(filters: ItemFilters) -> str:
    pairs = {
        "q": filters.q,
        "department": filters.department or "",
        "type": filters.item_type,
        "audience": filters.audience,
        "topic": filters.topic,
        "list": filters.public_list,
    }
    return urlencode({k: v for k, v in pairs.items() if v})


def _list_url(filters: ItemFilters) -> str:
    query = _querystring(filters)
    return f"{reverse('catalog-list')}?{query}" if query else reverse("catalog-list")


def _page_base(filters: ItemFilters) -> str:
    """The list URL with the current filters, ready for a page number."""
    query = _querystring(filters)
    return f"{reverse('catalog-list')}?{query}{'&' if query else ''}page="


def _is_partial(request: HtmxHttpRequest) -> bool:
    # A history restore (back button after hx-push-url) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    # One URL, two bodies (page or partial): caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def catalog_list(request: HtmxHttpRequest) -> HttpResponse:
    filters = _filters_from(request.GET)
    page = Paginator(items_search(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "list_label": LIST_NAMES.get(filters.public_list, ""),
        "page_base": _page_base(filters),
        "export_url": f"{reverse('catalog-export')}?{_querystring(filters)}",
    }
    if _is_partial(request):
        # The address bar follows the search, without the empty fields a form sends.
        canonical = _page_base(filters) + str(page.number) if page.number > 1 else _list_url(filters)
        response = render(request, "catalog/public/_results.html", {**context, "oob": True})
        return _vary_on_htmx(push_url(response, canonical))
    context.update(
        departments=Department.objects.filter(is_active=True, items__status=Item.STATUS_ACTIVE).distinct().order_by("id"),
        item_types=translated_choices(choices.ITEM_TYPES),
        audiences=translated_choices(choices.AUDIENCES),
        topics=Topic.objects.order_by("audience", "id"),
        public_lists=PUBLIC_LISTS,
    )
    return _vary_on_htmx(render(request, "catalog/public/list.html", context))


@require_GET
def catalog_export_xlsx(request: HttpRequest) -> HttpResponse:
    """Exactly the filtered list (every page of it) as the catalog Excel file."""
    filters = _filters_from(request.GET)
    body = catalog_export(items=items_search(filters=filters))
    name = LIST_NAMES.get(filters.public_list, _("政务服务事项清单"))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = attachment_disposition(f"{name}.xlsx")
    return response


@require_GET
def catalog_lists(request: HttpRequest) -> HttpResponse:
    lists = [
        {
            "code": code,
            "label": label,
            "description": LIST_DESCRIPTIONS[code],
            "count": items_search(filters=ItemFilters(public_list=code)).count(),
        }
        for code, label in PUBLIC_LISTS
    ]
    return render(request, "catalog/public/lists.html", {"lists": lists})


# --- the item guide and its situations ---------------------------------------------------------


@dataclass
class Situation:
    """The applicant's answers to an item's situation questions, parsed from `?s=q1.a,q2.y`."""

    questions: list = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # question key → option key
    invalid: list[str] = field(default_factory=list)

    @property
    def selected(self) -> set[str]:
        return {f"{q}.{a}" for q, a in self.answers.items()}

    @property
    def ref(self) -> str:
        """The canonical `s` value, in question order: what the page URL and the PDF's QR code carry."""
        return ",".join(f"{q.key}.{self.answers[q.key]}" for q in self.questions if q.key in self.answers)

    @property
    def unanswered(self) -> list:
        return [q for q in self.questions if q.key not in self.answers]

    def form_rows(self) -> list[tuple]:
        """(question, [(option, checked)]) for the radio form."""
        return [(q, [(o, self.answers.get(q.key) == o.key) for o in q.options.all()]) for q in self.questions]


def _parse_situation(version: ItemVersion, params) -> Situation:
    """Read `s` (comma-separated "q.a" refs) and, from the no-JS form, `s.<question>=<option>`.

    A ref that names no option of this version, or a second answer to one question, is ignored and
    listed so the page can say so.
    """
    situation = Situation(questions=list(version.questions.prefetch_related("options")))
    options = {q.key: {o.key for o in q.options.all()} for q in situation.questions}
    raw = [r.strip() for r in params.get("s", "").replace("，", ",").split(",") if r.strip()]
    raw += [f"{key[2:]}.{value}" for key, value in params.items() if key.startswith("s.") and value]
    for ref in raw[:MAX_SITUATION_REFS]:
        question, _dot, answer = ref.partition(".")
        if answer not in options.get(question, ()) or question in situation.answers:
            situation.invalid.append(ref[:40])
        else:
            situation.answers[question] = answer
    situation.invalid = situation.invalid[:10]
    return situation


def _labelled(rows: list, situation: Situation, labels: dict[str, str]) -> list[dict]:
    """Tag each material or step: always needed, chosen by an answer, or depending on an unanswered question."""
    out = []
    for row in rows:
        refs = [f"{o.question.key}.{o.key}" for o in row.options.all()]
        out.append(
            {
                "row": row,
                "conditions": [labels[r] for r in refs],
                "depends": bool(refs) and not (set(refs) & situation.selected),
            }
        )
    return out


def _situation_context(version: ItemVersion, situation: Situation) -> dict:
    labels = {f"{q.key}.{o.key}": f"{q.text}：{o.label}" for q in situation.questions for o in q.options.all()}
    # An unanswered question may still go either way: keep what any of its answers would need.
    possible = situation.selected | {f"{q.key}.{o.key}" for q in situation.unanswered for o in q.options.all()}
    materials, steps = applicable(version, possible)
    materials, steps = _labelled(materials, situation, labels), _labelled(steps, situation, labels)
    pdf_url = reverse("catalog-item-pdf", args=[version.item_id])
    s_param = f"&{urlencode({'s': situation.ref})}" if situation.ref else ""
    return {
        "situation": situation,
        "materials": materials,
        "steps": steps,
        "needed_count": sum(1 for m in materials if not m["depends"]),
        "depends_count": sum(1 for m in materials if m["depends"]),
        "guide_pdf_url": f"{pdf_url}?kind=guide{s_param}",
        "notice_pdf_url": f"{pdf_url}?kind=notice{s_param}",
    }


def _canonical_item_url(item: Item, situation: Situation) -> str:
    url = reverse("catalog-item", args=[item.id])
    return f"{url}?{urlencode({'s': situation.ref})}" if situation.ref else url


@require_GET
def catalog_item(request: HtmxHttpRequest, item_id: int) -> HttpResponse:
    item = get_item(item_id=item_id, user=request.user)
    version = item.current
    situation = _parse_situation(version, request.GET)
    canonical = _canonical_item_url(item, situation)
    if any(key.startswith("s.") for key in request.GET) and not request.htmx and not situation.invalid:
        # The no-JS form sends one parameter per question; redirect to the shareable `?s=` link.
        return redirect(canonical)
    context = {"item": item, "version": version, **_situation_context(version, situation)}
    if _is_partial(request):
        return _vary_on_htmx(push_url(render(request, "catalog/public/_situation.html", context), canonical))
    context.update(
        public_lists=[(code, LIST_NAMES[code]) for code in version.public_lists],
        in_power_list="power" in version.public_lists,
        fees=list(version.fees.all()),
        intermediaries=list(version.intermediaries.all()),
        topics=list(version.topics.all()),
        speedup=round(100 * (version.legal_limit_days - version.promised_limit_days) / version.legal_limit_days)
        if version.legal_limit_days
        else 0,
    )
    return _vary_on_htmx(render(request, "catalog/public/item.html", context))


@require_GET
def catalog_item_pdf(request: HttpRequest, item_id: int) -> HttpResponse:
    """办事指南 or 一次性告知单 as PDF, for the situation chosen on the page (CAT-5)."""
    kind = request.GET.get("kind", "guide")
    if kind not in GUIDE_KINDS:
        raise Http404
    item = get_item(item_id=item_id, user=request.user)
    version = item.current
    situation = _parse_situation(version, request.GET)
    body = item_guide_pdf(item=item, version=version, selected=situation.selected or None, kind=kind)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(guide_filename(item, kind))
    return response
