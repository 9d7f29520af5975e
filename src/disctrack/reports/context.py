"""The Reports link of the staff navigation, for users with a role at some site."""

from __future__ import annotations

from django.urls import reverse

from disctrack.registry.access import memberships


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not memberships(user):
        return {}
    return {"app_nav": [{"url": reverse("reports-overview"), "label": "Reports"}]}
