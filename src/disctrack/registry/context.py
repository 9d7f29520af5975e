"""Template context of every staff page: the user's roles, for the top bar and the menus."""

from __future__ import annotations

from disctrack.registry.access import memberships


def staff_memberships(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    ms = memberships(user)
    return {
        "my_memberships": sorted(ms.values(), key=lambda m: m.site.name),
        "can_write_somewhere": any(m.can_write for m in ms.values()),
    }
