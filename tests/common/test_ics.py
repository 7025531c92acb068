"""Calendar feeds written by icalendar: escaped text, folded lines, all-day and timed events."""

import datetime as dt

from icalendar import Calendar

from common import ics

AWKWARD = "CPTS du Val, nord; sud\r\nligne 2\\fin"  # comma, semicolon, CR LF, backslash


def parse(body: str) -> Calendar:
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    return Calendar.from_ical(body)


def test_text_round_trips_through_a_parser():
    start = dt.datetime(2026, 5, 15, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    events = [
        ics.all_day_event("d-1@portail", dt.date(2026, 5, 15), AWKWARD, f"À la main : {AWKWARD}"),
        ics.timed_event("c-1@portail", start, start + dt.timedelta(hours=2), AWKWARD, AWKWARD),
    ]
    feed = parse(ics.calendar(f"Comités {AWKWARD}", events))
    expected = AWKWARD.replace("\r\n", "\n")  # a line break is one \n in iCalendar text
    deadline, meeting = feed.events
    # The calendar's name is not parsed as text by icalendar: read it escaped (RFC 5545 §3.3.11).
    assert (
        feed["X-WR-CALNAME"].to_ical().decode() == r"Comités CPTS du Val\, nord\; sud\nligne 2\\fin"
    )
    assert deadline.summary == expected and deadline.description == f"À la main : {expected}"
    assert meeting.summary == expected and meeting.location == expected


def test_all_day_and_timed_events():
    start = dt.datetime(2026, 5, 15, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    body = ics.calendar(
        "Échéances",
        [
            ics.all_day_event("d-1@portail", dt.date(2026, 5, 15), "PS"),
            ics.timed_event("c-1@portail", start, start + dt.timedelta(hours=2), "Comité"),
        ],
    )
    assert "DTSTART;VALUE=DATE:20260515\r\n" in body and "DTEND;VALUE=DATE:20260516\r\n" in body
    assert "DTSTART:20260515T123000Z\r\n" in body and "DTEND:20260515T143000Z\r\n" in body
    assert "LOCATION" not in body  # empty values are left out
    deadline, meeting = parse(body).events
    assert deadline.uid == "d-1@portail" and meeting.uid == "c-1@portail"
    assert deadline.start == dt.date(2026, 5, 15) and deadline.stamp.tzinfo is not None
    assert meeting.start == start and meeting.end == start + dt.timedelta(hours=2)


def test_long_lines_fold_at_75_octets_without_cutting_a_character():
    name = "Communauté professionnelle territoriale de santé " * 6  # accents: 2 octets each
    body = ics.calendar("Échéances", [ics.all_day_event("d@p", dt.date(2026, 5, 15), name)])
    lines = body.split("\r\n")
    assert max(len(line.encode()) for line in lines) == 75
    assert any(line.startswith(" ") for line in lines)  # continuation lines
    assert parse(body).events[0].summary == name


def test_folding_keeps_an_escaped_line_break_whole():
    # Google Calendar drops an event whose fold splits the two characters of "\n".
    name = "x" * 62 + "\nsuite"  # "SUMMARY:" + 62 + 5 characters: the fold falls at the "\"
    body = ics.calendar("Échéances", [ics.all_day_event("d@p", dt.date(2026, 5, 15), name)])
    assert not any(line.endswith("\\") for line in body.split("\r\n"))
    assert parse(body).events[0].summary == name
