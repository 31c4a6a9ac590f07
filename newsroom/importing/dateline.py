"""The date and place a document opens with ("On June 9, 2018, ... in Qingdao.")."""

import datetime
import re

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Russian texts give the month in the genitive: "9 июня 2018 года".
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip

_ENGLISH_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

# \s also matches the no-break spaces the office's texts put between words.
DATE_PATTERNS = [
    re.compile(rf"(?<!\w){_ENGLISH_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)"),
    re.compile(rf"(?<![\w.]){_DAY}\s+{_ENGLISH_MONTH},?\s+{_YEAR}(?!\d)"),
    re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])"),
    re.compile(
        r"(?<!\d)(?P<day>\d{1,2})\s+(?P<month>января|февраля|марта|апреля|мая|июня|июля"
        r"|августа|сентября|октября|ноября|декабря)\s+(?P<year>\d{4})(?!\d)"
    ),
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
]

# "On <something with a digit>," at the start of the lead is meant as a date.
OPENING_DATE = re.compile(r"^\s*On\s+(?P<phrase>[^,.;:]{0,40}\d[^,.;:]{0,20})[,.;:]")

_PLACE_WORD = r"[A-ZА-ЯЁ][\w'’-]*"
PLACE_AFTER_IN = re.compile(
    rf"(?<!\w)(?:in|at|в)\s+(?P<place>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}})"
)
# Press-style dateline: "QINGDAO, 9 June 2018 — ..."
DATELINE_PREFIX = re.compile(r"^\s*(?P<place>[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'’ .-]{1,40}?),\s+")
SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZА-ЯЁ]|\s*$)")
PLACE_MAX_CHARS = 100


class DatelineError(ValueError):
    """The text gives a date that cannot be read."""


def _to_date(match):
    month = match.group("month")
    month_number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    try:
        return datetime.date(int(match.group("year")), month_number, int(match.group("day")))
    except ValueError:
        raise DatelineError(f"the date “{match.group(0)}” does not exist") from None


def first_date_match(text):
    """The earliest date expression in ``text`` (or None), whichever form it takes."""
    matches = [m for pattern in DATE_PATTERNS if (m := pattern.search(text))]
    return min(matches, key=lambda m: m.start(), default=None)


def find_date(text):
    """The first date in ``text``; ``DatelineError`` if it is meant as a date but is not one."""
    match = first_date_match(text)
    opening = OPENING_DATE.match(text)
    if opening and (match is None or match.start() > opening.end("phrase")):
        raise DatelineError(f"cannot read the date “{opening.group('phrase').strip()}”")
    if match is None:
        return None, None
    return _to_date(match), match


def _clean_place(candidate):
    words = []
    for word in candidate.split():
        if word.lower().rstrip(".") in MONTHS or (word.isupper() and len(word) <= 5):
            break
        words.append(word)
    return " ".join(words)[:PLACE_MAX_CHARS]


def _sentence_around(text, position):
    start = 0
    for end in SENTENCE_END.finditer(text):
        if end.end() > position:
            return start, end.end()
        start = end.end()
    return start, len(text)


def find_place(text, date_match=None):
    """The place the lead names: "QINGDAO, 9 June 2018", else "in <City>" near the date."""
    prefix = DATELINE_PREFIX.match(text)
    if prefix and date_match is not None and date_match.start() == prefix.end():
        place = prefix.group("place").strip()
        return (place.title() if place.isupper() else place)[:PLACE_MAX_CHARS]
    start, end = _sentence_around(text, date_match.start()) if date_match else (0, len(text))
    # Prefer the sentence that carries the date, then the rest of the lead.
    for region in (text[start:end], text):
        for match in PLACE_AFTER_IN.finditer(region):
            place = _clean_place(match.group("place"))
            if place:
                return place
    return ""
