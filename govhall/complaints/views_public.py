"""Public pages: the knowledge base (/kb/), filing a complaint online (/complaints/new/) and the
applicant's own complaints with the reply and their satisfaction (/my/complaints/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.complaints import permissions, services
from govhall.complaints.forms import CallbackForm, ComplaintPublicForm
from govhall.complaints.models import Complaint
from govhall.complaints.selectors import complaints_for_applicant, get_entry_public, knowledge_search, knowledge_topics
from govhall.complaints.views_staff import apply_errors
from govhall.core.errors import DomainError
from govhall.core.http import HtmxHttpRequest

PAGE_SIZE = 15


@require_GET
def kb_list(request: HtmxHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    topic = request.GET.get("topic", "")
    page = Paginator(knowledge_search(query=q, topic=topic).prefetch_related("items"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "q": q, "topic": topic, "topics": knowledge_topics(), "query": query.urlencode()}
    if request.htmx:
        return render(request, "complaints/public/_kb_results.html", context)
    return render(request, "complaints/public/kb_list.html", context)


@require_GET
def kb_entry(request: HtmxHttpRequest, entry_id: int) -> HttpResponse:
    entry = get_entry_public(entry_id=entry_id)
    services.entry_viewed(entry=entry)
    items = entry.items.select_related("department", "current_version").order_by("code")
    related = knowledge_search(query="", topic=entry.topic).exclude(pk=entry.pk)[:5] if entry.topic else []
    return render(request, "complaints/public/kb_entry.html", {"entry": entry, "items": items, "related": related})


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HtmxHttpRequest) -> HttpResponse:
    if permissions.staff_profile(request.user) is not None:
        return redirect("complaints_staff:new")
    person = getattr(request.user, "person", None)
    initial = {"complainant_name": person.name, "complainant_phone": person.phone} if person else {}
    form = ComplaintPublicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_file_online(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("您的诉求已提交，工单编号 %(n)s。承办部门答复后您可在“我的投诉”查看并评价。") % {"n": complaint.number}
            )
            return redirect("complaints:my-complaint", complaint.pk)
    return render(request, "complaints/public/new.html", {"form": form})


@login_required
@require_GET
def my_complaints(request: HtmxHttpRequest) -> HttpResponse:
    complaints = complaints_for_applicant(user=request.user)
    return render(request, "complaints/public/my_list.html", {"complaints": complaints})


def _own(request, complaint_id: int) -> Complaint:
    complaint = complaints_for_applicant(user=request.user).filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404
    return complaint


@login_required
@require_GET
def my_complaint(request: HtmxHttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _own(request, complaint_id)
    return render(request, "complaints/public/my_detail.html", {"c": complaint, "form": CallbackForm()})


@login_required
@require_POST
def my_complaint_rate(request: HtmxHttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _own(request, complaint_id)
    form = CallbackForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_call_back(
                actor=request.user, complaint=complaint, satisfaction=form.cleaned_data["satisfaction"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("complaints:my-complaint", complaint.pk)
    return render(request, "complaints/public/my_detail.html", {"c": complaint, "form": form}, status=400)
