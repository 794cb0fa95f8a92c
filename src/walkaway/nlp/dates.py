"""Deferrals become dates: "next quarter", "after the holidays", "Q3 2027" -> a date range.

:func:`resolve_deferral` reads the period a prospect pushed a decision to and resolves it
against the date of the message, so later stages can tell when the deferral falls due and
whether the prospect deferred again once it had.

Conventions (each one is a choice; the tests pin them down):

* Ranges are inclusive: ``start`` and ``end`` are the first and last day of the period.
* A period named without a year is its earliest occurrence that is not already over on the
  reference date: "Q1" said in May means Q1 of next year, "Q2" said in May means this Q2.
  "after March" is the month after the next March that is not over ("after March" said on
  10 April is this April).
* Quarters and halves are fiscal: Q1 starts in ``fiscal_year_start`` (default January, so
  calendar quarters). A fiscal year is named by the calendar year it ends in ("FY2027"
  with a July start runs from July 2026 to June 2027); with a January start the fiscal
  year is the calendar year. "next year", months and seasons are calendar periods.
* Seasons are northern-hemisphere meteorological seasons (spring = March to May ...);
  "after the holidays" and "in the new year" mean January (from the 2nd for the former).
* Fuzzy amounts: "a couple of" = 2, "a few" = 2 to 4, "several" = 3 to 6. "in N weeks" is the
  week that starts N weeks after the reference; "within N weeks" runs from the reference.
* "early"/"mid"/"late" a month are days 1-10, 11-20 and 21-end; of a year or a quarter,
  its first, middle and last part.
* A period right after "not" is skipped ("not next quarter - this month" resolves to this
  month), except after "not until"/"not before", which still name the period.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from spacy.tokens import Span

from walkaway.errors import ConfigError
from walkaway.types import quick_pickle


@quick_pickle
@dataclass(frozen=True, slots=True)
class DeferralTarget:
    """The period a deferral points to.

    ``kind`` names the expression ("next_quarter", "quarter", "after_holidays" ...),
    ``label`` the resolved period ("Q3 2027", "January 2027", "2027-03-02 to 2027-03-15"),
    ``start``/``end`` its first and last day, ``text`` the words that named it and
    ``start_char``/``end_char`` their offsets in the text that was resolved.
    """

    kind: str
    label: str
    start: date
    end: date
    text: str
    start_char: int
    end_char: int

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls inside the period."""
        return self.start <= day <= self.end


# -- calendar arithmetic --------------------------------------------------------------------

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _month_start(year: int, month: int) -> date:
    """First day of a month given as any (year, month) pair; months may overflow."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def _month_end(year: int, month: int) -> date:
    start = _month_start(year, month)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _add_months(day: date, months: int) -> date:
    target = _month_start(day.year, day.month + months)
    last = calendar.monthrange(target.year, target.month)[1]
    return target.replace(day=min(day.day, last))


def _add(day: date, amount: int, unit: str) -> date:
    if unit == "day":
        return day + timedelta(days=amount)
    if unit == "week":
        return day + timedelta(weeks=amount)
    if unit == "month":
        return _add_months(day, amount)
    return _add_months(day, 12 * amount)


def fiscal_year_of(day: date, fiscal_year_start: int = 1) -> int:
    """The fiscal year a day belongs to, named by the calendar year the fiscal year ends in."""
    if fiscal_year_start == 1:
        return day.year
    return day.year + 1 if day.month >= fiscal_year_start else day.year


def _fiscal_months(
    fiscal_year: int, first: int, count: int, fiscal_year_start: int
) -> tuple[date, date]:
    """Days of ``count`` months starting at fiscal month ``first`` (1-based) of a fiscal year."""
    start_year = fiscal_year if fiscal_year_start == 1 else fiscal_year - 1
    absolute = fiscal_year_start + first - 1
    return _month_start(start_year, absolute), _month_end(start_year, absolute + count - 1)


def _fiscal_label(fiscal_year: int, part: str, fiscal_year_start: int) -> str:
    if fiscal_year_start == 1:
        return f"{part} {fiscal_year}".strip()
    return f"FY{fiscal_year} {part}".strip()


# -- the grammar ----------------------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_FUZZY = {"couple": (2, 2), "few": (2, 4), "several": (3, 6)}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FULL_MONTHS = frozenset(name.lower() for name in MONTH_NAMES)
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}  # first month

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PART = (
    r"(?:(?P<part>early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of|beginning\s+of"
    r"|the\s+start\s+of|start\s+of|the\s+middle\s+of|middle\s+of)[\s-]+)?"
)
_PREP = (
    r"(?:(?P<prep>not\s+until|not\s+before|until|till|til|after|before|by|in|from|around"
    r"|during|over)\s+)?"
)
_YEAR_SUFFIX = (
    r"(?:\s*(?:of\s+)?(?:(?:fy\s*['’]?|['’])(?P<yy>\d{2})\b|(?:fy\s*)?(?P<yyyy>20\d{2})\b"
    r"|(?:the\s+)?(?P<yrel>next|this|the\s+following|following)\s+(?:fiscal\s+|financial\s+)?year))?"
)
_AMOUNT = (
    r"(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several)"
    r"(?:\s*(?:-|–|to|or)\s*(?P<m>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))?"
)

_Handler = Callable[[re.Match[str], date, int], tuple[str, str, date, date] | None]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        _RULES.append((re.compile(rf"(?<![\w'’-])(?:{pattern})(?![\w'’])", re.IGNORECASE), handler))
        return handler

    return register


def _explicit_fiscal_year(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> int | None:
    groups = match.groupdict()
    if groups.get("qny"):
        return 2000 + int(groups["qny"])
    if groups.get("yyyy"):
        return int(groups["yyyy"])
    if groups.get("yy"):
        return 2000 + int(groups["yy"])
    if groups.get("yrel"):
        current = fiscal_year_of(reference, fiscal_year_start)
        return current + (0 if groups["yrel"].lower() == "this" else 1)
    return None


def _earliest(
    reference: date, candidates: Callable[[int], tuple[date, date]], around: int
) -> tuple[int, date, date]:
    """The earliest of ``candidates(year)`` for years near ``around`` that is not over."""
    for year in range(around - 1, around + 3):
        start, end = candidates(year)
        if end >= reference:
            return year, start, end
    raise AssertionError("no candidate period ends after the reference")  # pragma: no cover


def _part_of(part: str | None, start: date, end: date) -> tuple[date, date, str]:
    """Narrow a period to its early/mid/late part ("early Q3", "mid-January")."""
    if not part:
        return start, end, ""
    part = re.sub(r"^the\s+|\s+of$", "", part.lower())
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months == 1:
        if part in ("early", "beginning", "start"):
            return start, start.replace(day=10), "early "
        if part in ("mid", "middle"):
            return start.replace(day=11), start.replace(day=20), "mid "
        return start.replace(day=21), end, "late "
    third = max(1, months // 3)
    if part in ("early", "beginning", "start"):
        return start, _month_end(start.year, start.month + third - 1), "early "
    if part in ("mid", "middle"):
        first = start.month + third
        return (
            _month_start(start.year, first),
            _month_end(start.year, first + months - 2 * third - 1),
            "mid ",
        )
    if part == "end":
        return _month_start(end.year, end.month), end, "end of "
    return _month_start(start.year, start.month + months - third), end, "late "


def _after(prep: str | None) -> bool:
    return prep is not None and prep.lower() == "after"


@_rule(
    _PREP
    + _PART
    + r"(?:the\s+)?(?:q(?P<q>[1-4])|(?P<qn>[1-4])q(?P<qny>\d{2})?"
    + r"|(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th)"
    r"\s+(?:fiscal\s+|financial\s+)?quarter)" + _YEAR_SUFFIX
)
def _quarter(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    quarter = int(match["q"] or match["qn"] or _ORDINALS[match["qw"].lower()])
    if _after(match["prep"]):
        quarter += 1
    explicit = _explicit_fiscal_year(match, reference, fiscal_year_start)

    def candidates(year: int) -> tuple[date, date]:
        return _fiscal_months(
            year + (quarter - 1) // 4, 3 * ((quarter - 1) % 4) + 1, 3, fiscal_year_start
        )

    if explicit is None:
        year, start, end = _earliest(
            reference, candidates, fiscal_year_of(reference, fiscal_year_start)
        )
    else:
        year = explicit
        start, end = candidates(year)
    year += (quarter - 1) // 4
    start, end, prefix = _part_of(match["part"], start, end)
    label = prefix + _fiscal_label(year, f"Q{(quarter - 1) % 4 + 1}", fiscal_year_start)
    return "quarter", label, start, end


@_rule(r"fy\s*['’]?(?P<fy>\d{2}|20\d{2})\s+q(?P<q>[1-4])")
def _fy_quarter(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    year = int(match["fy"]) + (2000 if len(match["fy"]) == 2 else 0)
    quarter = int(match["q"])
    start, end = _fiscal_months(year, 3 * (quarter - 1) + 1, 3, fiscal_year_start)
    return "quarter", _fiscal_label(year, f"Q{quarter}", fiscal_year_start), start, end


@_rule(
    _PREP
    + _PART
    + r"(?:the\s+)?(?:h(?P<h>[12])|(?P<hn>[12])h|(?P<hw>first|second|1st|2nd|front|back|latter)"
    r"\s+half(?:\s+of\s+(?:the\s+)?year)?)" + _YEAR_SUFFIX
)
def _half(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    word = (match["hw"] or "").lower()
    half = int(match["h"] or match["hn"] or (1 if word in ("first", "1st", "front") else 2))
    if _after(match["prep"]):
        half += 1
    explicit = _explicit_fiscal_year(match, reference, fiscal_year_start)

    def candidates(year: int) -> tuple[date, date]:
        return _fiscal_months(
            year + (half - 1) // 2, 6 * ((half - 1) % 2) + 1, 6, fiscal_year_start
        )

    if explicit is None:
        year, start, end = _earliest(
            reference, candidates, fiscal_year_of(reference, fiscal_year_start)
        )
    else:
        year = explicit
        start, end = candidates(year)
    year += (half - 1) // 2
    start, end, prefix = _part_of(match["part"], start, end)
    return (
        "half",
        prefix + _fiscal_label(year, f"H{(half - 1) % 2 + 1}", fiscal_year_start),
        start,
        end,
    )


@_rule(
    _PREP
    + _PART
    + r"(?:the\s+)?(?P<rel>next|this|current|following|coming)\s+"
    + r"(?:fiscal\s+|financial\s+)?(?:quarter|qtr)"
    r"|(?P<eoq>eoq)"
)
def _relative_quarter(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    year = fiscal_year_of(reference, fiscal_year_start)
    current = ((reference.month - fiscal_year_start) % 12) // 3 + 1
    ahead = 0 if match["eoq"] or match["rel"].lower() in ("this", "current") else 1
    if _after(match["prep"]):
        ahead += 1
    index = current - 1 + ahead
    year, quarter = year + index // 4, index % 4 + 1
    start, end = _fiscal_months(year, 3 * (quarter - 1) + 1, 3, fiscal_year_start)
    part = "end of" if match["eoq"] else match["part"]
    start, end, prefix = _part_of(part, start, end)
    kind = "this_quarter" if ahead == 0 else "next_quarter"
    return kind, prefix + _fiscal_label(year, f"Q{quarter}", fiscal_year_start), start, end


@_rule(
    r"(?:fiscal|financial|budget)\s+year\s+(?:rolls?\s+over|roll-?over|starts|begins|resets|turns\s+over"
    r"|kicks\s+off|flips)|(?:the\s+)?(?:new|start\s+of\s+(?:the\s+|our\s+)?(?:next|new))\s+"
    r"(?:fiscal|financial|budget)\s+year|(?:next|new)\s+budget\s+cycle|budgets?\s+reset"
)
def _fiscal_rollover(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    year = fiscal_year_of(reference, fiscal_year_start) + 1
    start, end = _fiscal_months(year, 1, 3, fiscal_year_start)
    return "fiscal_rollover", _fiscal_label(year, "Q1", fiscal_year_start), start, end


@_rule(
    r"next\s+(?:fiscal|financial)\s+year|next\s+fy|(?:in|until|till|for)\s+fy\s*['’]?(?P<fy>\d{2}|20\d{2})"
)
def _fiscal_year(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    if match["fy"]:
        year = int(match["fy"]) + (2000 if len(match["fy"]) == 2 else 0)
    else:
        year = fiscal_year_of(reference, fiscal_year_start) + 1
    start, end = _fiscal_months(year, 1, 12, fiscal_year_start)
    return "fiscal_year", f"FY{year}", start, end


@_rule(
    r"after\s+(?:the\s+)?(?:holidays|holiday\s+season|holiday|christmas|xmas)|post[-\s]holidays?"
    r"|(?:once|when)\s+the\s+holidays\s+are\s+over"
)
def _after_holidays(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    year, start, end = _earliest(
        reference, lambda y: (date(y, 1, 2), date(y, 1, 31)), reference.year
    )
    return "after_holidays", f"January {year}", start, end


@_rule(
    r"(?:early\s+)?(?:in\s+|after\s+|until\s+|till\s+|come\s+|once\s+)?(?:the\s+)?new\s+year(?!['’]s\s+eve)"
    r"(?:['’]s)?(?:\s+starts)?"
)
def _new_year(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    year, start, end = _earliest(
        reference, lambda y: (date(y, 1, 1), date(y, 1, 31)), reference.year
    )
    return "new_year", f"January {year}", start, end


@_rule(
    r"(?P<part>early|earlier|the\s+beginning\s+of|beginning\s+of|the\s+start\s+of|start\s+of|mid|the\s+middle\s+of"
    r"|middle\s+of|late|later|the\s+end\s+of|end\s+of)[\s-]+(?:in\s+)?(?:(?P<next>next\s+year)|(?P<year>20\d{2}))"
)
def _part_of_year(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    year = reference.year + 1 if match["next"] else int(match["year"])
    part = re.sub(r"^the\s+|\s+of$", "", match["part"].lower())
    months = {
        "early": (1, 3), "earlier": (1, 3), "beginning": (1, 1), "start": (1, 1), "mid": (6, 8),
        "middle": (6, 8), "late": (10, 12), "later": (10, 12), "end": (12, 12),
    }[part]  # fmt: skip
    start, end = _month_start(year, months[0]), _month_end(year, months[1])
    label = f"{part} {year}" if months[0] != months[1] else f"{MONTH_NAMES[months[0] - 1]} {year}"
    return "part_of_year", label, start, end


@_rule(r"later\s+(?:this|in\s+the)\s+year|later\s+on\s+this\s+year")
def _later_this_year(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    start = _month_start(reference.year, reference.month + 1)
    if start.year > reference.year:  # said in December: what is left of December
        start = min(reference + timedelta(days=1), date(reference.year, 12, 31))
    return "later_this_year", f"rest of {reference.year}", start, date(reference.year, 12, 31)


@_rule(r"(?:the\s+|this\s+)?end\s+of\s+(?:the\s+|this\s+)?year|year[-\s]end|eoy")
def _end_of_year(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    return (
        "end_of_year",
        f"December {reference.year}",
        date(reference.year, 12, 1),
        date(reference.year, 12, 31),
    )


@_rule(
    r"(?P<which>next|this)\s+year|(?P<prep>in|until|till|by|for|during|after)\s+(?P<year>20\d{2})"
)
def _year(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    if match["which"]:
        year = reference.year + (1 if match["which"].lower() == "next" else 0)
        kind = "next_year" if match["which"].lower() == "next" else "this_year"
    else:
        year = int(match["year"]) + (1 if match["prep"].lower() == "after" else 0)
        kind = "year"
    return kind, str(year), date(year, 1, 1), date(year, 12, 31)


@_rule(
    r"(?:the\s+)?(?:(?P<part>early|beginning\s+of|start\s+of|mid|middle\s+of|late|end\s+of)[\s-]+)?"
    r"(?P<which>next|this|the\s+following|following)\s+month|(?:the\s+)?month\s+after\s+next"
)
def _relative_month(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    which = (match["which"] or "after next").lower()
    ahead = {"this": 0, "after next": 2}.get(which, 1)
    start = _month_start(reference.year, reference.month + ahead)
    start, end, prefix = _part_of(match["part"], start, _month_end(start.year, start.month))
    kind = "this_month" if ahead == 0 else "next_month"
    return kind, f"{prefix}{MONTH_NAMES[start.month - 1]} {start.year}", start, end


@_rule(r"(?:the\s+)?end\s+of\s+(?:the\s+)?month")
def _end_of_month(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    start = reference.replace(day=21)
    end = _month_end(reference.year, reference.month)
    return "this_month", f"late {MONTH_NAMES[reference.month - 1]} {reference.year}", start, end


@_rule(_PREP + _PART + _MONTH + r"(?:\s+(?P<year>20\d{2}))?")
def _named_month(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date] | None:
    word = match["month"].lower().rstrip(".")
    prep = (match["prep"] or "").lower()
    # "may" and "march" are verbs and short names are everyday words ("mar", "jun"): without
    # a preposition, a part or a year they are not read as months.
    bare_ok = word in _FULL_MONTHS and word not in ("may", "march")
    if not (bare_ok or prep or match["part"] or match["year"]):
        return None
    month = next(
        i for i, name in enumerate(MONTH_NAMES, start=1) if name.lower().startswith(word[:3])
    )
    after = prep == "after"
    target = month + 1 if after else month

    def whole(year: int) -> tuple[date, date]:
        return _month_start(year, target), _month_end(year, target)

    def candidates(year: int) -> tuple[date, date]:
        # The part ("mid-January") decides whether this year's occurrence is already over.
        if prep == "before":
            return whole(year)
        start, end, _ = _part_of(match["part"], *whole(year))
        return start, end

    if match["year"]:
        start, end = candidates(int(match["year"]))
    else:
        _, start, end = _earliest(reference, candidates, reference.year)
    start, end = whole(start.year) if start.month == target else (start, end)
    if prep == "before":
        return (
            "before_month",
            f"before {MONTH_NAMES[month - 1]} {start.year}",
            reference,
            start - timedelta(days=1),
        )
    start, end, prefix = _part_of(match["part"], start, end)
    kind = "after_month" if after else "month"
    return kind, f"{prefix}{MONTH_NAMES[start.month - 1]} {start.year}", start, end


@_rule(
    r"(?:(?P<prep>after|in|until|till|by|over|during|this|next|before)\s+)?(?:the\s+)?(?P<part>early|late|end\s+of)?\s*"
    r"(?P<season>summer|fall|autumn|spring|winter)(?:\s+(?:break|holidays?|vacation))?(?:\s+(?P<year>20\d{2}))?"
)
def _season(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date] | None:
    season = match["season"].lower()
    prep = (match["prep"] or "").lower()
    if season == "fall" and not prep:  # "numbers fall" is not a season
        return None
    first = _SEASONS[season]
    after = prep == "after"

    def candidates(year: int) -> tuple[date, date]:
        if after:  # the month after the season
            return _month_start(year, first + 3), _month_end(year, first + 3)
        return _month_start(year, first), _month_end(year, first + 2)

    if match["year"]:
        year = int(match["year"])
        start, end = candidates(year)
    else:
        year, start, end = _earliest(reference, candidates, reference.year)
        if prep == "next" and start <= reference:  # "next summer" said in July
            year += 1
            start, end = candidates(year)
    name = "autumn" if season == "fall" else season
    if after:
        return "after_season", f"{MONTH_NAMES[start.month - 1]} {start.year}", start, end
    start, end, prefix = _part_of(match["part"], start, end)
    return "season", f"{prefix}{name} {year}", start, end


@_rule(
    r"(?P<prep>in|within|after|another|for)?\s*(?:about\s+|around\s+|roughly\s+|approximately\s+|another\s+)?"
    + _AMOUNT
    + r"\s+(?P<unit>day|week|month|year)s?(?:\s+or\s+(?:two|so))?"
    + r"(?P<suffix>\s+(?:from\s+now|out|later|time))?"
)
def _relative(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date] | None:
    if not (match["prep"] or match["suffix"]):
        return None  # "6 weeks of data" is a duration, not a date
    amount = re.sub(r"^a\s+|\s+of$", "", match["n"].lower())
    low, high = _FUZZY.get(amount) or (0, 0)
    if not low:
        low = high = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
    if match["m"]:
        high = int(match["m"]) if match["m"].isdigit() else _NUMBER_WORDS[match["m"].lower()]
    if re.search(r"\bor\s+two\b", match.group(), re.IGNORECASE):
        high = max(high, 2)
    unit = match["unit"].lower()
    if (match["prep"] or "").lower() == "within":
        return (
            "within",
            f"within {match.group().split(None, 1)[1]}",
            reference,
            _add(reference, high, unit),
        )
    start = _add(reference, low, unit)
    end = (
        _add(reference, high, unit)
        if unit == "day"
        else _add(reference, high + 1, unit) - timedelta(days=1)
    )
    return "relative", f"{start.isoformat()} to {end.isoformat()}", start, end


@_rule(
    r"(?P<which>next|this)\s+week|(?:the\s+)?week\s+after\s+next|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|eow"
)
def _week(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    monday = reference - timedelta(days=reference.weekday())
    text = match.group().lower()
    if match["which"]:
        ahead = 1 if match["which"].lower() == "next" else 0
        start = monday + timedelta(weeks=ahead)
        end = start + timedelta(days=6)
        kind = "next_week" if ahead else "this_week"
    elif "after next" in text:
        start, end, kind = (
            monday + timedelta(weeks=2),
            monday + timedelta(days=20),
            "week_after_next",
        )
    else:
        start, end, kind = (
            max(reference, monday + timedelta(days=4)),
            monday + timedelta(days=6),
            "end_of_week",
        )
    return kind, f"{start.isoformat()} to {end.isoformat()}", start, end


@_rule(
    r"tomorrow|(?P<prep>next|this|on|by|until|till|before)\s+(?P<day>" + "|".join(_WEEKDAYS) + r")"
)
def _day(
    match: re.Match[str], reference: date, fiscal_year_start: int
) -> tuple[str, str, date, date]:
    if not match["day"]:
        day = reference + timedelta(days=1)
        return "tomorrow", day.isoformat(), day, day
    weekday = _WEEKDAYS.index(match["day"].lower())
    ahead = (weekday - reference.weekday()) % 7 or 7
    if match["prep"].lower() == "next" and reference.weekday() < weekday:
        ahead += 7  # "next Friday" said on a Tuesday is the Friday of next week
    day = reference + timedelta(days=ahead)
    return "weekday", day.isoformat(), day, day


_NEGATED = re.compile(r"(?:\bnot|n['’]t)\s+(?:in\s+|by\s+|until\s+|before\s+)?\Z", re.IGNORECASE)


def find_periods(
    text: str, reference: date | datetime, *, fiscal_year_start: int = 1
) -> list[DeferralTarget]:
    """Every period named in ``text``, resolved against ``reference``, in text order.

    Where expressions overlap, the longest one starting first wins. Periods right after
    "not" are left out (see the module docstring).
    """
    if not 1 <= fiscal_year_start <= 12:
        raise ConfigError(f"fiscal_year_start must be a month number 1-12, got {fiscal_year_start}")
    day = reference.date() if isinstance(reference, datetime) else reference
    found: list[tuple[int, int, DeferralTarget]] = []
    for pattern, handler in _RULES:
        for match in pattern.finditer(text):
            resolved = handler(match, day, fiscal_year_start)
            if resolved is None:
                continue
            start_char, end_char = match.span()
            leading = len(match.group()) - len(match.group().lstrip())
            start_char += leading
            head = match.group().lstrip().lower()
            if _NEGATED.search(text[max(0, start_char - 12) : start_char]) and not head.startswith(
                ("until", "till", "before", "not until", "not before")
            ):
                continue
            kind, label, start, end = resolved
            target = DeferralTarget(
                kind, label, start, end, text[start_char:end_char], start_char, end_char
            )
            found.append((start_char, -(end_char - start_char), target))
    found.sort(key=lambda item: (item[0], item[1]))
    chosen: list[DeferralTarget] = []
    for _, _, target in found:
        if chosen and target.start_char < chosen[-1].end_char:
            continue
        chosen.append(target)
    return chosen


def resolve_deferral(
    text_or_span: str | Span, reference: date | datetime, *, fiscal_year_start: int = 1
) -> DeferralTarget | None:
    """The first period named in a deferral, as dates; ``None`` when it names none.

    ``text_or_span`` is the deferral (a ``DEFERRAL`` span, its sentence, or plain text);
    ``reference`` is the date the message was sent. See the module docstring for how each
    expression resolves.

    >>> resolve_deferral("Let's revisit next quarter.", date(2026, 11, 20)).label
    'Q1 2027'
    >>> resolve_deferral("Budget opens up in Q3", date(2026, 8, 1)).start
    datetime.date(2026, 7, 1)
    """
    text = text_or_span.text if isinstance(text_or_span, Span) else text_or_span
    periods = find_periods(text, reference, fiscal_year_start=fiscal_year_start)
    return periods[0] if periods else None
