"""Headers every response carries, and the cap on what a request may send.

The Content-Security-Policy allows scripts, styles and fonts from this site only: no inline
script or style (charts are SVG with presentation attributes, see core.svg), no plug-ins, no
framing, and forms that post only here. A page that injected markup despite the escaping
would find nothing it could run.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def content_security_policy() -> str:
    return f"{POLICY}; upgrade-insecure-requests" if settings.HTTPS else POLICY


class SecurityHeadersMiddleware:
    """Refuse a request body over DISCTRACK_MAX_REQUEST_MB before anything reads it, and set
    the Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        refused = self._refuse_oversized(request)
        response = refused or self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response

    @staticmethod
    def _refuse_oversized(request) -> HttpResponse | None:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return HttpResponse(_("The request's Content-Length header is not a number."),
                                status=400, content_type="text/plain; charset=utf-8")
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            return HttpResponse(
                _("The request is %(size)s MB; this registry accepts at most %(limit)s MB.")
                % {"size": f"{length / 1_000_000:.1f}", "limit": f"{limit / 1_000_000:g}"},
                status=413, content_type="text/plain; charset=utf-8")
        return None
