"""The contract page's chart of its five years: per year, a bar for the schedule and one for what
was paid, drawn server-side as inline SVG from Decimals (no JavaScript). The summary table next to
it is its text alternative."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH = 560
HEIGHT = 200
AXIS = 24  # room under the bars for the year labels
SLOT = 96  # horizontal room per year
BAR = 32


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    amount: Decimal
    kind: str  # "scheduled" or "paid"


@dataclass(frozen=True)
class Year:
    year: int
    label_x: int
    bars: tuple[Bar, Bar]


def _pixels(amount: Decimal, top: Decimal) -> int:
    """Height of a bar for `amount` when `top` fills the drawing; recoveries (negative) draw
    nothing, the table gives them."""
    if top <= 0 or amount <= 0:
        return 0
    span = Decimal(HEIGHT - AXIS)
    return int((min(amount, top) * span / top).to_integral_value(ROUND_HALF_UP))


def year_chart(rows) -> dict:
    """The SVG geometry for `payments.YearRow`s: width, height, baseline and one `Year` each."""
    top = max([max(r.scheduled, r.paid) for r in rows] + [Decimal(0)])
    base = HEIGHT - AXIS
    years = []
    for index, row in enumerate(rows):
        left = 16 + index * SLOT
        bars = tuple(
            Bar(left + offset, base - h, h, amount, kind)
            for offset, amount, kind in ((0, row.scheduled, "scheduled"), (BAR, row.paid, "paid"))
            for h in [_pixels(amount, top)]
        )
        years.append(Year(row.year, left + BAR, bars))
    width = max(WIDTH, 32 + len(rows) * SLOT)
    return {"width": width, "height": HEIGHT, "base": base, "years": years}
