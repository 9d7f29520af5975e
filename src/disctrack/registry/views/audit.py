"""The audit trail: one patient's, and the whole of the sites a user administers."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import render
from django.views.decorators.http import require_GET

from disctrack.core.paging import CappedPaginator
from disctrack.registry.access import MANAGE, access_patient, memberships, site_ids
from disctrack.registry.forms.filters import AuditFilterForm
from disctrack.registry.models import AuditEntry
from disctrack.registry.models.audit import labels_of, record_types
from disctrack.registry.views.common import patient_context

PAGE_SIZE = 100


def _page(request, entries: QuerySet):
    return CappedPaginator(entries.select_related("site"), PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def patient_audit(request, registry_id: str):
    patient = access_patient(request.user, registry_id, MANAGE)
    context = patient_context(request.user, patient)
    context["page"] = _page(request, AuditEntry.objects.filter(registry_id=patient.registry_id))
    return render(request, "registry/patient_audit.html", context)


def _filter_zone(user, sites: list[int]) -> zoneinfo.ZoneInfo:
    """The calendar the date filter reads: the sites' own when they share one, else UTC."""
    zones = {m.site.timezone for site_id, m in memberships(user).items() if site_id in sites}
    return zoneinfo.ZoneInfo(zones.pop() if len(zones) == 1 else "UTC")


def _day_start(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _filtered(entries: QuerySet, filters: dict, zone) -> QuerySet:
    if filters["user"]:
        entries = entries.filter(actor__icontains=filters["user"].strip())
    if filters["model"]:
        entries = entries.filter(model__in=labels_of(filters["model"]))
    if filters["registry_id"]:
        entries = entries.filter(registry_id__iexact=filters["registry_id"].strip())
    if filters["date_from"]:
        entries = entries.filter(at__gte=_day_start(filters["date_from"], zone))
    if filters["date_to"]:
        entries = entries.filter(at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1), zone))
    return entries


@login_required
@require_GET
def audit_log(request):
    sites = site_ids(request.user, MANAGE)
    if not sites:
        raise PermissionDenied("Only administrators see the audit log")
    entries = AuditEntry.objects.filter(site_id__in=sites)
    zone = _filter_zone(request.user, sites)
    form = AuditFilterForm(request.GET or None, models=record_types(), zone_name=str(zone))
    if form.is_bound:
        entries = _filtered(entries, form.cleaned_data, zone) if form.is_valid() else entries.none()
    return render(request, "registry/audit_log.html", {"form": form, "page": _page(request, entries)})
