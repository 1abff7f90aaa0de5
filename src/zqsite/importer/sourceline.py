"""The byline under a republished article's title: "Invest in Zhaoqing July 15, 2024 21:41 Guangdong, China".

WeChat articles copied into the blog start with their channel, date, time and place, in
English ("July 15, 2024 21:41", "2024-03-20 22:28") or Chinese ("2024年07月15日 21:41").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_DATE = (rf"(?:(?P<month>{'|'.join(MONTHS)})\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})"
         r"|(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})"
         r"|(?P<y3>\d{4})年\s*(?P<m3>\d{1,2})月\s*(?P<d3>\d{1,2})日)")
_SOURCE_LINE = re.compile(rf"^(?P<source>.{{0,90}}?)\s*{_DATE}\s+(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})"
                          r"(?::\d{2})?(?:\s+(?P<place>.{0,60}))?$")


@dataclass(frozen=True)
class SourceLine:
    source: str  # the channel or paper ("" if the line starts with the date)
    day: date
    time: time
    place: str


def parse_source_line(text: str) -> SourceLine | None:
    """The parts of a byline, or None if `text` is not one (a date followed by a time is required)."""
    match = _SOURCE_LINE.match(" ".join(text.split()))
    if match is None:
        return None
    groups = match.groupdict()
    try:
        if groups["month"]:
            day = date(int(groups["year"]), MONTHS.index(groups["month"]) + 1, int(groups["day"]))
        elif groups["y2"]:
            day = date(int(groups["y2"]), int(groups["m2"]), int(groups["d2"]))
        else:
            day = date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
        moment = time(int(groups["hour"]), int(groups["minute"]))
    except ValueError:  # "February 30" or "25:00": not a date after all
        return None
    return SourceLine(groups["source"].strip(), day, moment, (groups["place"] or "").strip())


def source_from_title(title: str) -> str:
    """"Nanfang Daily|Build a big platform!" -> "Nanfang Daily": a short name before a bar."""
    for bar in ("|", "｜"):
        if bar in title:
            head = title.split(bar, 1)[0].strip()
            if head and len(head.split()) <= 5 and len(head) <= 40:
                return head
    return ""
