"""Sliding session expiry without a database write on every request.

A staff session ends after DISCTRACK_SESSION_MINUTES without a request. Django keeps that
promise by saving the session on every request (SESSION_SAVE_EVERY_REQUEST), one write per
page view; here the expiry is pushed forward only when a request comes at least
RENEW_AFTER after the last renewal, so a session ends between SESSION_COOKIE_AGE minus
RENEW_AFTER and SESSION_COOKIE_AGE after its last request, and at most one write a minute
is spent keeping it alive.
"""

from __future__ import annotations

import time

RENEW_AFTER = 60  # seconds
RENEWED_KEY = "_renewed_at"


class SessionRenewalMiddleware:
    """After SessionMiddleware: marks a signed-in session to be saved (with a new expiry)
    when its last renewal is older than RENEW_AFTER."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        renewed = session.get(RENEWED_KEY)
        if session.modified or not isinstance(renewed, int) or now - renewed >= RENEW_AFTER:
            session[RENEWED_KEY] = now
        return response
