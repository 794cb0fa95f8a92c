"""Time zones with their daylight-saving rules, and business-hours send times.

The zones are fixed-offset rules written out here instead of ``zoneinfo``: a slim container
may have no tz database, and a different tzdata release must never change the bytes a seed
produces. The three DST rules (US, EU, south-east Australia) are the ones in force since 2007.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

_HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Zone:
    """A place people send mail from: standard offset, DST rule and how people name it."""

    key: str
    std_minutes: int
    rule: str | None
    label: str
    std_abbr: str
    dst_abbr: str

    def offset_minutes(self, utc: datetime) -> int:
        if self.rule is None:
            return self.std_minutes
        start, end = _dst_window(self.rule, self.std_minutes, utc.year)
        in_dst = start <= utc < end if start < end else not (end <= utc < start)
        return self.std_minutes + 60 if in_dst else self.std_minutes

    def local(self, utc: datetime) -> datetime:
        """The same instant as an aware datetime in this zone's offset at that instant."""
        return utc.astimezone(_tz(self.offset_minutes(utc)))

    def to_utc(self, naive_local: datetime) -> datetime:
        # Good enough around the (night-time) transitions: nobody sends mail at 2 a.m. here.
        guess = naive_local.replace(tzinfo=UTC) - timedelta(minutes=self.std_minutes)
        offset = self.offset_minutes(guess)
        return naive_local.replace(tzinfo=UTC) - timedelta(minutes=offset)

    def abbreviation(self, utc: datetime) -> str:
        return self.dst_abbr if self.offset_minutes(utc) != self.std_minutes else self.std_abbr


ZONES: dict[str, Zone] = {
    zone.key: zone
    for zone in (
        Zone("us_east", -300, "us", "ET", "EST", "EDT"),
        Zone("us_central", -360, "us", "CT", "CST", "CDT"),
        Zone("us_mountain", -420, "us", "MT", "MST", "MDT"),
        Zone("us_pacific", -480, "us", "PT", "PST", "PDT"),
        Zone("ca_toronto", -300, "us", "ET", "EST", "EDT"),
        Zone("uk", 0, "eu", "UK time", "GMT", "BST"),
        Zone("cet", 60, "eu", "CET", "CET", "CEST"),
        Zone("br", -180, None, "BRT", "BRT", "BRT"),
        Zone("mx", -360, None, "CST", "CST", "CST"),
        Zone("in", 330, None, "IST", "IST", "IST"),
        Zone("sg", 480, None, "SGT", "SGT", "SGT"),
        Zone("au", 600, "au", "AET", "AEST", "AEDT"),
    )
}


@lru_cache(maxsize=64)
def _tz(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def _nth_sunday(year: int, month: int, n: int) -> date:
    """The n-th Sunday of a month (n=-1: the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


@lru_cache(maxsize=256)
def _dst_window(rule: str, std_minutes: int, year: int) -> tuple[datetime, datetime]:
    """UTC instants where DST starts and ends in ``year`` (start > end in the south)."""
    std = timedelta(minutes=std_minutes)
    if rule == "us":  # 2:00 local on the 2nd Sunday of March to 2:00 on the 1st Sunday of Nov
        start = datetime.combine(_nth_sunday(year, 3, 2), time(2), UTC) - std
        end = datetime.combine(_nth_sunday(year, 11, 1), time(2), UTC) - std - _HOUR
    elif rule == "eu":  # 01:00 UTC on the last Sundays of March and October
        start = datetime.combine(_nth_sunday(year, 3, -1), time(1), UTC)
        end = datetime.combine(_nth_sunday(year, 10, -1), time(1), UTC)
    elif rule == "au":  # 2:00 standard on the 1st Sunday of Oct; 3:00 DST on the 1st of April
        start = datetime.combine(_nth_sunday(year, 10, 1), time(2), UTC) - std
        end = datetime.combine(_nth_sunday(year, 4, 1), time(3), UTC) - std - _HOUR
    else:
        raise ValueError(f"unknown DST rule {rule!r}")
    return start, end


def business_time(
    earliest: datetime,
    zone: Zone,
    rng: random.Random,
    *,
    after_hours: float = 0.05,
    weekend: float = 0.04,
) -> datetime:
    """The first plausible send time at or after ``earliest`` (UTC) for someone in ``zone``.

    Most mail goes out on weekdays between 8:00 and 18:30 local time; a few messages are
    written in the evening, and a few on weekends, as in real mailboxes.
    """
    local = zone.local(earliest)
    day = local.date()
    minute_of_day = local.hour * 60 + local.minute
    keep_evening = minute_of_day < 22 * 60 and rng.random() < after_hours
    if minute_of_day < 7 * 60 + 45:
        minute_of_day = rng.randint(7 * 60 + 45, 10 * 60 + 30)
    elif minute_of_day > 18 * 60 + 30 and not keep_evening:
        day += timedelta(days=1)
        minute_of_day = rng.randint(7 * 60 + 45, 10 * 60 + 30)
    if day.weekday() >= 5 and rng.random() >= weekend:
        day += timedelta(days=7 - day.weekday())
        minute_of_day = max(minute_of_day, rng.randint(8 * 60, 11 * 60))
        minute_of_day = min(minute_of_day, 17 * 60 + 30)
    naive = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60, rng.randrange(60)))
    result = zone.to_utc(naive)
    return result if result >= earliest else earliest + timedelta(seconds=rng.randint(40, 900))


_MEETING_HOURS = (9, 10, 10, 11, 13, 14, 14, 15, 15, 16)


def meeting_slot(
    after: datetime,
    zone: Zone,
    rng: random.Random,
    days: tuple[int, int],
    other: Zone | None = None,
) -> datetime:
    """A meeting start (UTC) on a weekday ``days`` ahead, on the hour or half hour, local time.

    With ``other``, the hour is one that falls in business hours in both zones when such an
    hour exists (New York and Berlin overlap in the morning; New York and Sydney barely).
    """
    day = zone.local(after).date() + timedelta(days=rng.randint(*days))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    minute = rng.choice((0, 0, 30))
    hours = _shared_hours(zone, other, day, minute) if other is not None else _MEETING_HOURS
    return zone.to_utc(datetime.combine(day, time(rng.choice(hours), minute)))


@lru_cache(maxsize=8192)
def _shared_hours(zone: Zone, other: Zone, day: date, minute: int) -> tuple[int, ...]:
    """Local hours in ``zone`` closest to (ideally inside) business hours in ``other``."""

    def distance(hour: int) -> int:
        local = other.local(zone.to_utc(datetime.combine(day, time(hour, minute))))
        at = local.hour * 60 + local.minute
        return 0 if 8 * 60 <= at <= 17 * 60 + 30 else min(abs(at - 8 * 60), abs(at - 17 * 60))

    distances = {hour: distance(hour) for hour in range(8, 18)}
    best = min(distances.values())
    return tuple(hour for hour, value in distances.items() if value == best)


def quarter_after(day: date, quarters: int = 1) -> tuple[str, date]:
    """Label (``Q3``) and first day of the quarter ``quarters`` after the one holding ``day``."""
    index = (day.month - 1) // 3 + quarters
    year = day.year + index // 4
    quarter = index % 4
    return f"Q{quarter + 1}", date(year, quarter * 3 + 1, 1)
