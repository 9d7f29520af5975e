"""Access to follow-up objects, by the rules of registry/access.py.

Another site's object answers 404 without saying whether it exists; a role without the need
answers 403.
"""

from __future__ import annotations

from django.http import Http404

from disctrack.followup.models import FollowupTask, SafetyAlert
from disctrack.registry.access import READ, access_site, check_site_access, sites_for
from disctrack.registry.models import Site


def access_task(user, task_id: int, need: str = READ) -> FollowupTask:
    task = FollowupTask.objects.select_related("timepoint__patient__site").filter(id=task_id).first()
    if task is None:
        raise Http404("No such task")
    check_site_access(user, task.timepoint.patient.site_id, need)
    return task


def access_alert(user, alert_id: int, need: str = READ) -> SafetyAlert:
    alert = (
        SafetyAlert.objects.select_related("patient__site", "timepoint__treatment__episode")
        .filter(id=alert_id)
        .first()
    )
    if alert is None:
        raise Http404("No such alert")
    check_site_access(user, alert.patient.site_id, need)
    return alert


def sites_in_view(user, code: str | None, need: str = READ) -> list[Site]:
    """The one site named by `?site=` (404 if not the user's), or every site the user may see."""
    if code:
        return [access_site(user, code, need)]
    return list(sites_for(user, need).order_by("name"))
