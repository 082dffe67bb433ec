"""French number formatting: ``1 234,5``, ``12,3 %``, ``2 606 234 habitants``, ``1,25 M€``.

The one number formatter of the Carnet: every figure shown (pages, maps, summaries, exports'
labels, project fiches) goes through :func:`fmt_number`. A missing value (NaN, None, ``pd.NA``)
is shown as ``non publié`` (or the ``missing`` text given): statistical secrecy or absence in the
source is never shown as 0.
"""

from __future__ import annotations

import math

NBSP = "\u202f"  # narrow no-break space, the French thousands separator
MISSING = "non publié"


def _is_missing(x) -> bool:
    """None, a float NaN (numpy's too) or pandas' ``NA`` / ``NaT``."""
    if x is None:
        return True
    try:
        return math.isnan(x)
    except TypeError:
        return type(x).__name__ in ("NAType", "NaTType")


def fmt_number(x, decimals: int = 0, missing: str = MISSING) -> str:
    """Format a number the French way.

    Examples
    --------
    >>> fmt_number(1234.5, 1)
    '1\u202f234,5'
    >>> fmt_number(float("nan"))
    'non publié'
    """
    if _is_missing(x):
        return missing
    s = f"{float(x):,.{decimals}f}"
    s = s.replace(",", "\x00").replace(".", ",").replace("\x00", NBSP)
    if s.startswith("-") and set(s[1:]) <= set("0,"):  # avoid "-0,0"
        s = s[1:]
    return s


def fmt_int(x, missing: str = MISSING) -> str:
    """Format a count with no decimals: ``2 606 234``."""
    return fmt_number(x, 0, missing)


def fmt_percent(x, decimals: int = 1, missing: str = MISSING) -> str:
    """Format a value already expressed in percent: ``12,3 %``."""
    if _is_missing(x):
        return missing
    return f"{fmt_number(x, decimals)}{NBSP}%"


def fmt_value(x, unit: str = "", decimals: int = 0, missing: str = MISSING) -> str:
    """Format a value with its unit (``%`` gets the percent format)."""
    if _is_missing(x):
        return missing
    if unit == "%":
        return fmt_percent(x, decimals)
    text = fmt_number(x, decimals)
    return f"{text}{NBSP}{unit}" if unit else text


def fmt_range(lo, hi, unit: str = "", decimals: int = 0, missing: str = MISSING) -> str:
    """``125 780 – 1 292 958 hab.``: a range with the unit written once."""
    return f"{fmt_number(lo, decimals, missing)} – {fmt_value(hi, unit, decimals, missing)}"


def fmt_euros(x, missing: str = MISSING) -> str:
    """The exact amount: ``1 250 000 €``, ``1 200 000,50 €`` (cents only when there are some)."""
    if _is_missing(x):
        return missing
    x = float(x)
    return f"{fmt_number(x, 0 if x.is_integer() else 2)}{NBSP}€"


def fmt_meuros(x, missing: str = MISSING) -> str:
    """An amount for a headline: millions of euros to 3 significant digits.

    ``1 250 000`` gives ``1,25 M€`` (not ``1,2``), ``12 345 678`` ``12,3 M€``,
    ``123 456 789`` ``123 M€``; under a million, the exact amount (``850 000 €``).
    """
    if _is_missing(x):
        return missing
    x = float(x)
    if abs(x) < 1e6:
        return fmt_euros(round(x))
    m = float(f"{x / 1e6:.3g}")  # 9 996 000 → 10,0 (never 4 digits)
    decimals = max(0, 2 - math.floor(math.log10(abs(m))))
    return f"{fmt_number(m, decimals)}{NBSP}M€"


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
DISPLAY_TZ = "Europe/Paris"  # the Nord's time: build and edit dates are shown in it


def fmt_date(d, missing: str = "date inconnue") -> str:
    """A date the French way: ``1er décembre 2026``, ``15 janvier 2025``.

    Accepts a :class:`datetime.date`, a :class:`datetime.datetime` or an ISO 8601 string.
    """
    dt = _as_datetime(d)
    if dt is None:
        return missing
    day = "1er" if dt.day == 1 else str(dt.day)
    return f"{day} {MONTHS[dt.month - 1]} {dt.year}"


def fmt_datetime(d, missing: str = "date inconnue", naive_utc: bool = False) -> str:
    """A date and time the French way: ``1er décembre 2026 à 19 h 31``.

    An aware datetime (or ISO string with an offset) is shown in Paris time; a naive one as is,
    unless ``naive_utc`` says it is in UTC (SQLite gives back naive UTC datetimes).
    """
    import datetime as _dt

    dt = _as_datetime(d)
    if dt is None:
        return missing
    if dt.tzinfo is None and naive_utc:
        dt = dt.replace(tzinfo=_dt.UTC)
    if dt.tzinfo is not None:
        from zoneinfo import ZoneInfo

        dt = dt.astimezone(ZoneInfo(DISPLAY_TZ))
    return f"{fmt_date(dt)} à {dt.hour} h {dt.minute:02d}"


def _as_datetime(d):
    import datetime as _dt

    if d is None or (isinstance(d, float) and math.isnan(d)):
        return None
    if isinstance(d, _dt.datetime):
        return d
    if isinstance(d, _dt.date):
        return _dt.datetime(d.year, d.month, d.day)
    text = str(d).strip()
    if not text:
        return None
    if len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # "+0100" (strftime %z) → "+01:00"
    try:
        return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
