"""Count failures per scope and key in a sliding window, to rate-limit guessing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from disctrack.core import proxies
from disctrack.core.models import ThrottleFailure


def hashed(value: str) -> str:
    """Keep no raw IP addresses or user names in the throttle table."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:64]


def client_address(request) -> str:
    """The client's address, through the operator's declared proxies (core.proxies)."""
    return proxies.client_address(request.META.get("REMOTE_ADDR", ""),
                                  request.META.get("HTTP_X_FORWARDED_FOR", ""),
                                  settings.TRUSTED_PROXIES)


def is_blocked(scope: str, key: str, *, limit: int, window: timedelta) -> bool:
    since = timezone.now() - window
    return ThrottleFailure.objects.filter(scope=scope, key=hashed(key), at__gte=since).count() >= limit


def record_failure(scope: str, key: str) -> None:
    ThrottleFailure.objects.create(scope=scope, key=hashed(key), at=timezone.now())


def clear(scope: str, key: str) -> None:
    ThrottleFailure.objects.filter(scope=scope, key=hashed(key)).delete()
