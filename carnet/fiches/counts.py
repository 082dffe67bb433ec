"""Commune counts with the vintage of the geography they refer to."""

from __future__ import annotations

from carnet.fiches.merged import merged_year
from carnet.formatting import fmt_number
from carnet.pack import Pack
from carnet.sources import catalogue


def reference_cog(pack: Pack) -> str:
    """Vintage of the reference geography the counts refer to: ``COG 2024``."""
    src = catalogue().get(pack.config.cog)
    return src.millesime if src is not None else pack.config.cog


def communes_count(pack: Pack, codes=None) -> str:
    """A commune count with its vintage: ``648 communes (COG 2024 ; 647 depuis 2025)``.

    ``codes`` (default: every commune of the pack) are communes of the reference COG; a merger
    since then among them is stated with the count it leaves.
    """
    all_codes = set(pack.table("commune")["code"])
    codes = all_codes if codes is None else set(codes) & all_codes
    n = len(codes)
    text = f"{fmt_number(n)} commune{'s' if n > 1 else ''} ({reference_cog(pack)}"
    lost, years = 0, []
    for new, members in (pack.diagnostics.get("fusions") or {}).items():
        inside = codes & set(members)
        if len(inside) > 1:
            lost += len(inside) - 1
            years.append(merged_year(pack, new))
    if lost:
        year = max((y for y in years if y), default=None)
        text += f" ; {fmt_number(n - lost)} depuis {year}" if year else f" ; {fmt_number(n - lost)} depuis"
    return text + ")"
