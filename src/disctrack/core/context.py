"""Template context shared by every staff page: the navigation the apps add to it.

Each app that adds pages to the staff navigation registers a function returning
{"app_nav": [{"url": ..., "label": ...}, ...]} for the request ({} when the user may see none);
`disctrack/wiring.py` registers them in the order the bar shows them.
"""

from __future__ import annotations

from collections.abc import Callable

NavProvider = Callable[[object], dict]
_providers: list[NavProvider] = []


def add_nav_provider(provider: NavProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"app_nav": [item for provider in _providers for item in provider(request).get("app_nav", [])]}
