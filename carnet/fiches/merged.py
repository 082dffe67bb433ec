"""Communes merged since the reference COG: which indicators the merged commune carries,
its name, year and note, and the commune rows and polygons as each source publishes them."""

from __future__ import annotations

import math

import pandas as pd

from carnet.pack import Pack


def merged_into(pack: Pack, code: str, iid: str) -> str | None:
    """Code of the merged commune that carries ``iid`` for former commune ``code``, if any.

    L'Orée de Mormal (59006, 2025) carries the 2025-geography sources of Amfroipret (59006)
    and Bermeries (59070); the older sources still publish the two communes.
    """
    new = pack.merger_of(code)
    if new is None or iid not in merged_indicators(pack, new):
        return None
    return new


def merged_indicators(pack: Pack, new: str) -> tuple[str, ...]:
    """Indicators published on merged commune ``new`` (sources of the new geography)."""
    return tuple(pack.diagnostics.get("fusions_indicateurs", {}).get(new, ()))


def merged_name(pack: Pack, new: str) -> str:
    """The name of merged commune ``new`` (its code if unknown)."""
    return str((pack.diagnostics.get("fusions_noms") or {}).get(new, new))


def merged_year(pack: Pack, new: str) -> int | None:
    """The first year a source publishes merged commune ``new`` (COG year)."""
    y = (pack.diagnostics.get("fusions_annee") or {}).get(new)
    return int(y) if y else None


def merged_note(pack: Pack, new: str) -> str:
    """``fusionnée dans L'Orée de Mormal (2025)``."""
    year = merged_year(pack, new)
    return f"fusionnée dans {merged_name(pack, new)}" + (f" ({year})" if year else "")


def commune_rows(pack: Pack, iid: str, tid: str | None = None) -> pd.DataFrame:
    """Communes as ``iid``'s source publishes them: ``code``, ``nom``, ``epci_nom``,
    ``territoire``, ``valeur``, ``fusion`` (True on a merged commune's own row).

    For an indicator of a source published after a merger, the former communes are replaced
    by the merged commune (its value, its name, the code it took); otherwise every commune of
    the reference COG. ``tid`` None means every commune of the pack.
    """
    c = pack.table("commune")
    out = c[["code", "nom", "epci_nom", "territoire"]].copy()
    out["valeur"] = out["code"].map(pack.values("commune")[iid]).astype(float)
    out["fusion"] = False
    for new, members in (pack.diagnostics.get("fusions") or {}).items():
        if iid not in merged_indicators(pack, new):
            continue
        first = out[out["code"] == members[0]].iloc[0]
        merged = pack.merged_values()
        v = merged.at[new, iid] if new in merged.index and iid in merged.columns else math.nan
        row = {"code": new, "nom": merged_name(pack, new), "epci_nom": first["epci_nom"],
               "territoire": first["territoire"], "valeur": float(v), "fusion": True}
        out = pd.concat([out[~out["code"].isin(members)], pd.DataFrame([row])], ignore_index=True)
    if tid:
        out = out[out["territoire"] == tid]
    return out.sort_values("code", kind="stable").reset_index(drop=True)


def commune_map_frame(pack: Pack, tid: str | None, iid: str, detail: str | None = None):
    """:func:`commune_rows` with polygons, for a choropleth (merged commune: union polygon).

    ``detail`` defaults to ``territoire`` for one territory, ``departement`` for the whole pack.
    """
    import geopandas as gpd

    detail = detail or ("territoire" if tid else "departement")
    rows = commune_rows(pack, iid, tid)
    geo = pack.geometry("commune", detail).set_index("code").geometry
    fused = pack.merged_geometry(detail).set_index("code").geometry
    geoms = [fused.get(c) if f else geo.get(c) for c, f in zip(rows["code"], rows["fusion"], strict=True)]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


# A merged commune took the code of one of its former communes (L'Orée de Mormal took
# Amfroipret's 59006): in the reference COG the code names the former commune, so the merged
# commune's fiche is addressed as ``<code>@<year of the COG that created it>`` (``59006@2025``).
KEY_SEP = "@"


def merged_key(pack: Pack, new: str) -> str:
    """The fiche key of merged commune ``new``: ``59006@2025``."""
    return f"{new}{KEY_SEP}{merged_year(pack, new) or 'fusion'}"


def merged_of_key(pack: Pack, key: str | None) -> str | None:
    """The merged commune a fiche key names (``59006@2025`` → ``59006``), else None."""
    if not key or KEY_SEP not in key:
        return None
    new = key.split(KEY_SEP, 1)[0]
    fusions = pack.diagnostics.get("fusions") or {}
    return new if new in fusions and merged_key(pack, new) == key else None


def merged_members(pack: Pack, new: str) -> list[str]:
    """Codes of the former communes of merged commune ``new``, in the pack's order."""
    return list((pack.diagnostics.get("fusions") or {}).get(new, ()))


def merged_keys(pack: Pack) -> list[str]:
    """Fiche keys of every merged commune of the pack."""
    return [merged_key(pack, new) for new in pack.diagnostics.get("fusions") or {}]


def picked_commune(pack: Pack, code: str, iid: str) -> str:
    """The fiche key of the commune clicked on a map of ``iid``.

    On a map of an indicator published on a merged commune, the polygon of code ``59006`` is
    L'Orée de Mormal (``59006@2025``), not Amfroipret; elsewhere a code is its commune.
    """
    return merged_key(pack, code) if merged_into(pack, code, iid) == code else code

