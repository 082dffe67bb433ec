"""Screen-only fast path of the commune choropleth: geometry once, values on change.

The folium builders (:mod:`carnet.maps.atlas`) stay the reference (PDF, HTML export,
slides). For the screen, the polygons of a pack are written once into one static file
with a content-hashed name (:func:`write_geometry`), kept by the browser; each change of
indicator, classes, selection or overlay sends only :func:`values_payload`: the class and
value text of every commune drawn, the palette, the legend HTML (escaped) and the
selection, classified by the same code as the folium choropleth
(:func:`carnet.maps.thematic.classify`, :func:`carnet.maps.thematic.palette`,
:func:`carnet.maps.thematic.legend_html`).

Geometry file (JSON): ``{"p": precision, "c": {code: [nom, epci_nom, rings]},
"f": {code: [nom, epci_nom, rings]}, "e": {code: [nom, territoire, rings]}}`` — ``c``
the communes of the reference COG, ``f`` the communes merged since (their union polygon),
``e`` the EPCI; rings as :func:`carnet.maps.encoding.encode_polygonal`, strings escaped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from carnet.fiches import (
    commune_rows,
    merged_into,
    merged_members,
    merged_of_key,
    short_producer,
)
from carnet.maps.assets import write_hashed
from carnet.maps.elements import NA_FILL, esc
from carnet.maps.encoding import encode_polygonal, script_json
from carnet.maps.thematic import (
    BASE_STYLE,
    HIGHLIGHT_STYLE,
    auto_decimals,
    classify,
    format_value,
    legend_html,
    palette,
)

PRECISION = 5
#: Where the geometry files go, under the app's static folder (served at ``/app/static/geo``).
GEO_SUBDIR = "geo"


def geometry_document(pack, detail: str) -> dict:
    """The geometry file's content for one detail level (``territoire`` or ``departement``)."""
    com = pack.table("commune").set_index("code")
    geo = pack.geometry("commune", detail)
    out: dict = {"p": PRECISION, "c": {}, "f": {}, "e": {}}
    for code, rings in zip(geo["code"], encode_polygonal(geo.geometry.values, PRECISION),
                           strict=True):
        if rings and code in com.index:
            out["c"][str(code)] = [esc(com.at[code, "nom"]), esc(com.at[code, "epci_nom"]), rings]
    fused = pack.merged_geometry(detail)
    if len(fused):
        from carnet.fiches import merged_name
        fusions = pack.diagnostics.get("fusions") or {}
        for code, rings in zip(fused["code"], encode_polygonal(fused.geometry.values, PRECISION),
                               strict=True):
            first = (fusions.get(code) or [None])[0]
            epci = com.at[first, "epci_nom"] if first in com.index else ""
            if rings:
                out["f"][str(code)] = [esc(merged_name(pack, code)), esc(epci), rings]
    epci = pack.geometry("epci", detail).merge(pack.table("epci")[["code", "nom", "territoire"]],
                                               on="code")
    for code, nom, terr, rings in zip(epci["code"], epci["nom"], epci["territoire"],
                                      encode_polygonal(epci.geometry.values, PRECISION),
                                      strict=True):
        if rings:
            out["e"][str(code)] = [esc(nom), esc(terr), rings]
    return out


def write_geometry(pack, detail: str, static_dir: Path) -> str:
    """Write the geometry file once (content-hashed name, atomic) and return its name
    relative to ``static_dir`` (``geo/nord-territoire-3f2a….json``)."""
    return write_hashed(static_dir, GEO_SUBDIR, f"{pack.id}-{detail}", ".json",
                        script_json(geometry_document(pack, detail)))


def selection_keys(pack, rows, selected: str | None) -> list[str]:
    """Geometry keys (``c:code`` / ``f:code``) to outline for ``selected``, as
    :func:`carnet.maps.atlas.commune_map` chooses them."""
    if not selected:
        return []
    codes = set(rows["code"])
    fused = set(rows.loc[rows["fusion"], "code"])
    outline = [selected]
    new = merged_of_key(pack, selected)
    if new is not None:
        outline = [new] if new in codes else merged_members(pack, new)
    elif selected not in codes:
        outline = [merged_into(pack, selected, rows.attrs.get("iid")) or selected]
    return [("f:" if c in fused else "c:") + c for c in outline if c in codes]


def values_payload(pack, tid: str | None, iid: str, scheme: str = "quantiles",
                   overlays=("epci",), selected: str | None = None, k: int = 5) -> dict:
    """What one change sends: the same classes, colours and legend as the folium choropleth.

    Returns ``{"rows": [[key, class, value text]], "palette", "legend", "label", "na",
    "base", "highlight", "epci": [codes], "selected": [keys], "attribution"}``; every
    string escaped (the component inserts tooltip and legend HTML as given).
    """
    ind = pack.indicator(iid)
    rows = commune_rows(pack, iid, tid)
    rows.attrs["iid"] = iid
    values = rows["valeur"].astype(float)
    values = values.where(np.isfinite(values))
    cls = classify(values.to_numpy(), scheme, k)
    colors = palette(cls.k) if cls.k else []
    d = auto_decimals(values) if ind.decimals is None else ind.decimals
    source = short_producer(ind.source)
    keys = [("f:" if f else "c:") + c for c, f in zip(rows["code"], rows["fusion"], strict=True)]
    out_rows = [[key, int(c), esc(format_value(v, ind.unit, d))]
                for key, c, v in zip(keys, cls.classes.tolist(), values, strict=True)]
    epcis = []
    if "epci" in overlays:
        e = pack.table("epci")
        epcis = sorted(e.loc[e["territoire"] == tid, "code"] if tid else e["code"])
    return {
        "rows": out_rows,
        "palette": colors,
        "legend": legend_html(cls, colors, label=ind.label, unit=ind.unit, source=source,
                              vintage=ind.vintage, decimals=d),
        "label": esc(ind.label),
        "na": NA_FILL,
        "base": BASE_STYLE,
        "highlight": HIGHLIGHT_STYLE,
        "epci": [str(c) for c in epcis],
        "selected": selection_keys(pack, rows, selected),
        "attribution": esc(f"{source}, {ind.vintage}"),
    }
