"""Clock arithmetic in the sites' timezones: all stored moments are UTC.

A site's calendar day decides when a window opens or closes; its sending hours decide when a
message may leave. Converting "09:00 on this date in Europe/Madrid" through zoneinfo gives
the right UTC instant on either side of a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone


def now_utc() -> datetime:
    return timezone.now().astimezone(UTC)


def local_today(zone: ZoneInfo, moment: datetime | None = None) -> date:
    return (moment or now_utc()).astimezone(zone).date()


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a calendar day in a timezone."""
    local = datetime.combine(day, clock, tzinfo=zone)
    # A wall time inside a spring-forward gap does not exist; zoneinfo gives the instant
    # as if the old offset still held, which lands just after the gap: acceptable.
    return local.astimezone(UTC)


def within_hours(moment: datetime, zone: ZoneInfo, start: time, end: time) -> bool:
    local_clock = moment.astimezone(zone).time()
    return start <= local_clock < end


def next_sending_moment(moment: datetime, zone: ZoneInfo, start: time, end: time) -> datetime:
    """`moment` if it falls within the sending hours, else the next opening of them."""
    if within_hours(moment, zone, start, end):
        return moment
    local = moment.astimezone(zone)
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return at_local(day, start, zone)
