"""Values of a unit and their French text (``non agrégeable``, ``fusionnée dans …``)."""

from __future__ import annotations

import math

import pandas as pd

from carnet.fiches.merged import merged_indicators, merged_into, merged_note
from carnet.formatting import fmt_value
from carnet.pack import Pack

NON_AGREGEABLE = "non agrégeable"
LEVEL_LABELS = {"commune": "Commune", "epci": "EPCI", "territoire": "Territoire",
                "departement": "Département"}


def value(pack: Pack, level: str, code: str, iid: str) -> float:
    """Value of indicator ``iid`` for unit ``code`` of ``level`` (NaN if absent)."""
    vals = pack.values(level)
    if code not in vals.index or iid not in vals.columns:
        return math.nan
    v = vals.at[code, iid]
    return math.nan if pd.isna(v) else float(v)


def fmt_ind(pack: Pack, iid: str, x, level: str = "commune", code: str | None = None) -> str:
    """Format a value of ``iid`` with its unit; ``non agrégeable`` above communes.

    With the ``code`` of a commune merged since the reference COG, an indicator published on
    the merged commune reads ``fusionnée dans L'Orée de Mormal (2025)``, not ``non publié``
    (which means statistical secrecy).
    """
    ind = pack.indicator(iid)
    if not ind.aggregable and level != "commune":
        return NON_AGREGEABLE
    if level == "commune" and code is not None and _missing(x):
        new = merged_into(pack, code, iid)
        if new is not None:
            return merged_note(pack, new)
    return fmt_value(x, ind.unit, ind.decimals)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or bool(pd.isna(x))


def round_values(df: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """Round columns to their decimals (``{column: decimals}``); other columns untouched."""
    out = df.copy()
    for col, d in decimals.items():
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(int(d))
    return out


def merged_value_text(pack: Pack, new: str, iid: str) -> str:
    """A merged commune's value of ``iid``, formatted: published by a source of the new
    geography, or aggregated from its former communes (sums and ratios of sums only:
    a median of two communes reads « non agrégeable »)."""
    ind = pack.indicator(iid)
    merged = pack.merged_values()
    v = merged.at[new, iid] if new in merged.index and iid in merged.columns else math.nan
    if pd.isna(v) and not ind.aggregable and iid not in merged_indicators(pack, new):
        return NON_AGREGEABLE
    return fmt_value(v, ind.unit, ind.decimals)
