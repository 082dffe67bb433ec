"""French number formatting: ``1 234,5``, ``12,3 %``, ``2 606 234 habitants``.

A missing value (NaN, None) is shown as ``non publié``: statistical secrecy or
absence in the source is never shown as 0.
"""

from __future__ import annotations

import math

NBSP = "\u202f"  # narrow no-break space, the French thousands separator
MISSING = "non publié"


def _is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


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
