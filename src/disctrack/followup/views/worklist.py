"""The call worklist, logging a call, and marking a task done."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from disctrack.followup.access import access_task, sites_in_view
from disctrack.followup.actions import do_complete_task, do_log_call
from disctrack.followup.forms import CallLogForm, TaskDoneForm
from disctrack.followup.models import CallOutcome
from disctrack.followup.worklist import build_worklist
from disctrack.registry.access import IDENTITY, WRITE, access_timepoint, allows, membership_at
from disctrack.registry.forms.errors import add_action_errors


def _worklist_url(site_code: str) -> str:
    return f"{reverse('worklist')}?site={site_code}"


@login_required
def worklist(request):
    sites = sites_in_view(request.user, request.GET.get("site"))
    if not sites:
        raise Http404("You belong to no site")
    site = sites[0]
    membership = membership_at(request.user, site.id)
    return render(request, "followup/worklist.html", {
        "worklist": build_worklist(site, allows(membership, IDENTITY)),
        "sites": sites_in_view(request.user, None),
        "can_write": allows(membership, WRITE),
        "show_identity": allows(membership, IDENTITY),
    })


@login_required
@require_http_methods(["GET", "POST"])
def call_log(request, timepoint_id: int):
    tp = access_timepoint(request.user, timepoint_id, WRITE)
    form = CallLogForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_log_call(request.user, tp, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            outcome = CallOutcome(form.cleaned_data["outcome"])
            messages.success(request, f"Call logged: {outcome.label}.")
            if outcome == CallOutcome.ANSWERED_BY_PHONE:
                return redirect("response-enter", tp.id)
            return redirect(_worklist_url(tp.patient.site.code))
    membership = membership_at(request.user, tp.patient.site_id)
    identity = tp.patient.identity if allows(membership, IDENTITY) else None
    return render(request, "followup/call_log.html", {
        "tp": tp, "form": form, "identity": identity,
        "calls": tp.calls.select_related("by")[:20],
        "messages_sent": tp.messages.order_by("due_at"),
        "worklist_url": _worklist_url(tp.patient.site.code),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def task_complete(request, task_id: int):
    task = access_task(request.user, task_id, WRITE)
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            do_complete_task(request.user, task, form.cleaned_data["outcome"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Done: {task.get_kind_display().lower()} for {task.timepoint.patient}.")
    return redirect(_worklist_url(task.timepoint.patient.site.code))
