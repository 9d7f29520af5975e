"""Template context shared by every staff page."""

from __future__ import annotations

from django.utils.module_loading import import_string

from disctrack.registry.access import memberships

# Each app that adds pages to the staff navigation names a function returning
# {"app_nav": [{"url": ..., "label": ...}, ...]}; the items are shown in this order.
NAV_PROVIDERS = (
    "disctrack.followup.context.navigation",
    "disctrack.registry.views.navigation.navigation",
    "disctrack.reports.context.navigation",
)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    ms = memberships(user)
    app_nav = []
    for provider in NAV_PROVIDERS:
        app_nav.extend(import_string(provider)(request).get("app_nav", []))
    return {
        "my_memberships": sorted(ms.values(), key=lambda m: m.site.name),
        "can_write_somewhere": any(m.can_write for m in ms.values()),
        "app_nav": app_nav,
    }
