"""iCalendar (RFC 5545) feeds: all-day deadlines and timed committee meetings.

The icalendar library escapes text (CR, LF, commas, semicolons, backslashes) and folds lines at
75 octets without cutting a UTF-8 character."""

import datetime as dt

from icalendar import Calendar, Event, vText

PRODID = "-//Portail CPTS//Echeances//FR"


def all_day_event(uid, day: dt.date, summary, description="") -> Event:
    return Event.new(
        uid=uid,
        start=day,  # a date: DTSTART;VALUE=DATE
        end=day + dt.timedelta(days=1),
        summary=summary,
        description=description or None,
    )


def timed_event(
    uid, start: dt.datetime, end: dt.datetime, summary, location="", description=""
) -> Event:
    return Event.new(
        uid=uid,
        start=start.astimezone(dt.UTC),
        end=end.astimezone(dt.UTC),
        summary=summary,
        location=location or None,
        description=description or None,
    )


def calendar(name: str, events) -> str:
    """The feed named `name` holding `events` (from the two functions above)."""
    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    # vText: icalendar types X- properties as unknown and would not escape the name.
    feed.add("x-wr-calname", vText(name))
    for event in events:
        feed.add_component(event)
    return feed.to_ical().decode()
