"""Safety alerts: the list of those awaiting review, and a clinician's review of one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.followup.access import access_alert, sites_in_view
from disctrack.followup.actions import do_dismiss_alert, do_record_alert_complication
from disctrack.followup.forms import AlertComplicationForm, DismissAlertForm
from disctrack.followup.models import AlertStatus, SafetyAlert
from disctrack.registry.access import ADJUDICATE, READ, allows, membership_at
from disctrack.registry.forms.errors import add_action_errors

PAGE_SIZE = 50


@login_required
def alert_list(request):
    sites = sites_in_view(request.user, request.GET.get("site"))
    status = request.GET.get("status", AlertStatus.OPEN)
    if status not in AlertStatus.values:
        status = AlertStatus.OPEN
    alerts = SafetyAlert.objects.filter(patient__site__in=sites, status=status).select_related(
        "patient__site", "timepoint", "resolved_by")
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "followup/alert_list.html", {
        "alerts": page.object_list, "page": page, "total": page.paginator.count, "status": status,
        "statuses": AlertStatus.choices, "sites": sites_in_view(request.user, None),
        "site_code": request.GET.get("site", ""),
    })


def _resolve(request, alert, complication_form, dismiss_form) -> bool:
    action = request.POST.get("action")
    form = complication_form if action == "complication" else dismiss_form
    if action not in ("complication", "dismiss") or not form.is_valid():
        return False
    try:
        if action == "complication":
            do_record_alert_complication(request.user, alert, complication_form.cleaned_data)
        else:
            do_dismiss_alert(request.user, alert, dismiss_form.cleaned_data["reason"])
    except ValidationError as exc:
        add_action_errors(exc, form)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def alert_review(request, alert_id: int):
    posting = request.method == "POST"
    alert = access_alert(request.user, alert_id, ADJUDICATE if posting else READ)
    action = request.POST.get("action") if posting else None
    episode = alert.timepoint.treatment.episode
    complication_form = AlertComplicationForm(request.POST if action == "complication" else None,
                                              episode=episode, prefix="c")
    dismiss_form = DismissAlertForm(request.POST if action == "dismiss" else None, prefix="d")
    if posting and _resolve(request, alert, complication_form, dismiss_form):
        messages.success(request, "Safety alert resolved.")
        return redirect("safety-alerts")
    membership = membership_at(request.user, alert.patient.site_id)
    invalid = complication_form.errors or dismiss_form.errors or (posting and action not in ("complication", "dismiss"))
    return render(request, "followup/alert_review.html", {
        "alert": alert, "complication_form": complication_form, "dismiss_form": dismiss_form,
        "can_adjudicate": allows(membership, ADJUDICATE),
    }, status=400 if invalid else 200)
