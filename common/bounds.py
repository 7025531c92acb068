"""The domain's limits on every value, named once. Forms validate with them (French messages),
services refuse with them (UserError), models declare them as CheckConstraints.

Relative limits ("not in the future") are checked in forms and services; the database holds
absolute ranges (`STORED_DATES`), wide enough for every legal value and narrow enough that a
year 1 or 9999 never reaches a page, a PDF or a calendar feed.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .errors import UserError

# --- Dates ----------------------------------------------------------------------------------
ACI_START = dt.date(2019, 6, 20)  # the ACI of the CPTS: no contract or signature before it
CPTS_LAW = dt.date(2016, 1, 26)  # loi n° 2016-41 creating the CPTS: no CPTS file before it
ASSOCIATIONS_LAW = dt.date(1901, 7, 1)  # an association may predate its CPTS, not this law
STORED_DATES = (ASSOCIATIONS_LAW, dt.date(2100, 12, 31))  # what any stored date lies in
COMMITTEE_PAST_DAYS = 366  # a committee is recorded up to a year after it met…
COMMITTEE_FUTURE_DAYS = 2 * 366  # …and convened at most two years ahead


def today() -> dt.date:
    return timezone.localdate()


def _today() -> dt.date:
    return today()  # looked up at each call: tests may replace `today`


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class DateWindow:
    """The days a kind of date may take; `earliest`/`latest` are dates or functions of none
    (evaluated on each check: "today" moves)."""

    what: str  # "la date de signature"
    earliest: dt.date | Callable[[], dt.date]
    latest: dt.date | Callable[[], dt.date]

    def bounds(self) -> tuple[dt.date, dt.date]:
        lo, hi = self.earliest, self.latest
        return (lo() if callable(lo) else lo), (hi() if callable(hi) else hi)

    def problem(self, value) -> str | None:
        """The French refusal for `value`, or None when it lies in the window."""
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if not isinstance(value, dt.date):
            return f"Indiquez {self.what} (jour/mois/année)."
        lo, hi = self.bounds()
        if value < lo:
            return f"{_cap(self.what)} ne peut pas précéder le {_fr(lo)}."
        if value > hi:
            if hi == today():
                return f"{_cap(self.what)} ne peut pas être dans le futur."
            return f"{_cap(self.what)} ne peut pas dépasser le {_fr(hi)}."
        return None

    def validator(self, value) -> None:
        """For a form field's `validators`."""
        message = self.problem(value)
        if message:
            raise ValidationError(message, code="out_of_bounds")

    def require(self, value, error: type[UserError] = UserError):
        """For a service: the value, or `error` (a UserError)."""
        message = self.problem(value)
        if message:
            raise error(message)
        return value


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _committee_earliest() -> dt.date:
    return today() - dt.timedelta(days=COMMITTEE_PAST_DAYS)


def _committee_latest() -> dt.date:
    return today() + dt.timedelta(days=COMMITTEE_FUTURE_DAYS)


SIGNATURE = DateWindow("la date de signature", ACI_START, _today)
PRE_ACI_GRANT = DateWindow("la date d'accord de l'accompagnement pré-ACI", ACI_START, _today)
FIR_GRANT = DateWindow("la date d'accord de la subvention FIR", CPTS_LAW, _today)
CRISIS = DateWindow("la date de caractérisation de la crise", ACI_START, _today)
GENERAL_ASSEMBLY = DateWindow("la date de l'assemblée générale", ASSOCIATIONS_LAW, _today)
COMMITTEE = DateWindow("la date du comité", _committee_earliest, _committee_latest)
GRID_VALID_FROM = DateWindow("la date d'entrée en vigueur", ACI_START, STORED_DATES[1])


@deconstructible(path="common.bounds.DateValidator")
class DateValidator:
    """A model field's validator for the window named `window` (a name, so that migrations
    record it and stay the same)."""

    def __init__(self, window: str):
        self.window = window

    def __call__(self, value):
        globals()[self.window].validator(value)

    def __eq__(self, other):
        return isinstance(other, DateValidator) and other.window == self.window


# --- Numbers ------------------------------------------------------------------------------------
MONEY_MAX = Decimal("10000000")  # 10 M€: no single amount of the ACI or the FIR comes near it
MEMBERS_MAX = 100_000
POPULATION_MAX = 20_000_000  # more than any région's population
TAILLES = (1, 2, 3, 4)
DEADLINE_WITHIN_MAX_DAYS = 3650  # a filter "deadline within N days": ten years covers them all


def money_problem(value, *, allow_zero: bool = False) -> str | None:
    """The French refusal for an amount of euros, or None: finite, positive, at most MONEY_MAX,
    in cents."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return "Indiquez un montant en euros (ex. 35000,00)."
    positive = amount.is_finite() and (amount >= 0 if allow_zero else amount > 0)  # NaN first
    if not positive or amount > MONEY_MAX:
        floor = "positif ou nul" if allow_zero else "positif"
        return f"Le montant doit être {floor} et ne pas dépasser {MONEY_MAX:,.0f} €.".replace(
            ",", "\u202f"
        )
    if amount != amount.quantize(Decimal("0.01")):
        return "Le montant s'exprime en euros et centimes (deux décimales au plus)."
    return None


def require_money(value, *, allow_zero=False, error: type[UserError] = UserError) -> Decimal:
    message = money_problem(value, allow_zero=allow_zero)
    if message:
        raise error(message)
    return Decimal(str(value).strip().replace(",", ".")).quantize(Decimal("0.01"))


# --- Text ---------------------------------------------------------------------------------------
TEXT_MAX = 5_000  # a reason, an opinion, a message
SECTION_MAX = 20_000  # one section of the LI or the PS
LINE_MAX = 200  # a name, a title, a place


def single_line(value) -> None:
    """A form validator: a name or a title fits on one line (it goes into mail subjects)."""
    if "\r" in str(value) or "\n" in str(value):
        raise ValidationError("Ce champ tient sur une ligne.", code="out_of_bounds")


def require_text(value, what: str, *, max_length=LINE_MAX, multiline=False, error=UserError):
    """For a service: `value` stripped, not empty, at most `max_length` characters, without
    NUL (PostgreSQL refuses it) nor, on one line, CR/LF (mail headers, CSV, iCalendar)."""
    text = str(value or "").strip()
    if not text:
        raise error(f"Indiquez {what}.")
    if len(text) > max_length:
        raise error(f"{_cap(what)} tient en {max_length} caractères au plus.")
    if "\x00" in text or (not multiline and ("\r" in text or "\n" in text)):
        raise error(f"{_cap(what)} contient un caractère non permis (retour à la ligne, NUL).")
    return text


# --- Database check constraints -----------------------------------------------------------------
# Each names its rule in French (`what`: "la date de réception du projet de santé"): the admin
# shows `violation_error_message` when a change breaks it, never Django's "Constraint … violated".


def _shown(value) -> str:
    """A bound as a sentence says it: "le 20/06/2019", "20 000 000"."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"le {_fr(value)}"
    return f"{value:,}".replace(",", "\u202f")


def between(what: str, low, high) -> str:
    """The message of a range constraint on `what`."""
    return f"{_cap(what)} doit se situer entre {_shown(low)} et {_shown(high)}."


def date_constraint(model: str, field: str, *, what: str, nullable=True) -> CheckConstraint:
    """`field` within STORED_DATES (or null)."""
    lo, hi = STORED_DATES
    condition = Q(**{f"{field}__gte": lo, f"{field}__lte": hi})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return CheckConstraint(
        condition=condition,
        name=f"{model}_{field}_bounded",
        violation_error_message=between(what, lo, hi),
    )


def datetime_constraint(model: str, field: str, *, what: str, nullable=True) -> CheckConstraint:
    """A datetime `field` within STORED_DATES (or null)."""
    lo, hi = STORED_DATES
    start = dt.datetime.combine(lo, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(hi, dt.time.max, tzinfo=dt.UTC)
    condition = Q(**{f"{field}__gte": start, f"{field}__lte": end})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return CheckConstraint(
        condition=condition,
        name=f"{model}_{field}_bounded",
        violation_error_message=between(what, lo, hi),
    )


def range_constraint(
    model: str, field: str, low, high, *, what: str, nullable=False
) -> CheckConstraint:
    """`low` <= `field` <= `high` (or null)."""
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return CheckConstraint(
        condition=condition,
        name=f"{model}_{field}_bounded",
        violation_error_message=between(what, low, high),
    )


def money_constraint(model: str, field: str, *, what: str, allow_zero=False) -> CheckConstraint:
    """0 < `field` <= MONEY_MAX (0 allowed with `allow_zero`); `what` is masculine ("le
    montant …")."""
    low = Q(**{f"{field}__gte": 0}) if allow_zero else Q(**{f"{field}__gt": 0})
    condition = low & Q(**{f"{field}__lte": MONEY_MAX})
    floor = "positif ou nul" if allow_zero else "positif"
    message = f"{_cap(what)} doit être {floor} et ne pas dépasser {_shown(MONEY_MAX)} €."
    return CheckConstraint(
        condition=condition, name=f"{model}_{field}_bounded", violation_error_message=message
    )
