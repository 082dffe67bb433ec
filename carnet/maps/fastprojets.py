"""Screen-only fast path of the projects map: background and projects once, a mask on change.

The folium map (:func:`carnet.maps.projects.projects_map`) stays the reference (HTML export,
PDF, slides). For the screen (issue #12 §2), the Plan d'actions keeps one map frame:

- the offline background (communes, contract territories, commune labels) is written once
  per pack and detail level into a static file with a content-hashed name
  (:func:`write_context`), kept by the browser;
- the coded projects of the whole registry (:func:`carnet.maps.projects.map_points`, about
  0.7 MB for 10,000 projects) go to the frame once per registry version;
- a change of filter sends only :func:`view_payload`: which of those projects are shown (a
  bit mask, 1.7 KB for 10,000), the territories of the filter and the view to fit.

Context file (JSON): ``{"p": precision, "c": {code: [nom, territoire, rings]},
"t": {code: [nom, rings]}, "n": labels}`` — ``n`` the rows of
:class:`carnet.maps.projects.CommuneLabels` (lat, lon, nom, zoom, size, length), largest
commune first; every string HTML-escaped (the frame writes names as tooltip HTML). The
detailed file (``territoire``) carries ``c`` only. Project strings stay raw: the frame
writes them as text nodes only.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from carnet.maps.assets import write_hashed
from carnet.maps.base import MAX_ZOOM, MIN_ZOOM, TILES
from carnet.maps.elements import esc
from carnet.maps.encoding import encode_polygonal, script_json
from carnet.maps.projects import (
    FIT_MAX_ZOOM,
    FIT_PADDING_BOTTOM_RIGHT,
    FIT_PADDING_TOP_LEFT,
    LABEL_RULES,
    PANE_PROJETS,
    MapContext,
    legend_html,
    map_points,
    points_bounds,
)
from carnet.projets.orientations import pack_of

PRECISION = 5
#: Where the context files go, under the app's static folder (as the fast commune map's).
GEO_SUBDIR = "geo"
#: Detail levels of the context files: the whole département, or a few territories.
DETAILS = ("departement", "territoire")
#: Marker clustering of the screen map, as :func:`carnet.maps.projects.add_projects`.
CLUSTER_OPTIONS = {"chunkedLoading": True, "maxClusterRadius": 45, "showCoverageOnHover": False,
                   "spiderfyOnMaxZoom": True}
#: The background's look without tiles (white land, thin grey limits) and on hover.
COMMUNE_STYLE = {"color": "#a9a9a9", "weight": 0.8, "opacity": 1, "fillColor": "#ffffff",
                 "fillOpacity": 0.85}
COMMUNE_HIGHLIGHT = {"weight": 2, "color": "#555555"}
OTHER_TERRITORIES = {"color": "#6e6e6e", "weight": 1.6, "fill": False}
CHOSEN_TERRITORIES = {"color": "#0072B2", "weight": 3, "fill": False}


def _label_rows(labels: pd.DataFrame | None) -> list[list]:
    """The commune labels as :class:`carnet.maps.projects.CommuneLabels` codes them."""
    if labels is None:
        return []
    rows = []
    for nom, terr, pop, lon, lat in zip(labels["nom"], labels["territoire"], labels["population"],
                                        labels["lon"], labels["lat"], strict=True):
        minzoom, size = next((z, c) for p, z, c in LABEL_RULES if pop >= p)
        rows.append([round(float(lat), 5), round(float(lon), 5), esc(nom), minzoom, size,
                     len(str(nom)), esc(terr if isinstance(terr, str) else "")])
    return rows


def context_document(context: MapContext, detail: str) -> dict:
    """The context file's content for ``detail`` (one of :data:`DETAILS`)."""
    if detail not in DETAILS:
        raise ValueError(f"niveau de détail inconnu : {detail!r} (valeurs possibles : "
                         f"{', '.join(DETAILS)})")
    src = context.communes
    if detail == "territoire" and context.communes_detail is not None:
        src = context.communes_detail
    out: dict = {"p": PRECISION, "c": {}}
    for code, nom, terr, rings in zip(src["code"], src["nom"], src["territoire"],
                                      encode_polygonal(src.geometry.values, PRECISION),
                                      strict=True):
        if rings:
            out["c"][str(code)] = [esc(nom), str(terr), rings]
    if detail == "departement":
        t = context.territoires
        out["t"] = {str(code): [esc(nom), rings] for code, nom, rings in zip(
            t["code"], t["nom"], encode_polygonal(t.geometry.values, PRECISION), strict=True)
            if rings}
        out["n"] = _label_rows(context.labels)
    return out


def write_context(context: MapContext, pack_id: str, static_dir: Path) -> dict[str, str]:
    """Write both context files once (content-hashed names, atomic); their names relative
    to ``static_dir``, by detail level."""
    names = {}
    for detail in DETAILS:
        names[detail] = write_hashed(static_dir, GEO_SUBDIR, f"{pack_id}-projets-{detail}", ".json",
                                     script_json(context_document(context, detail)))
    return names


def located_ids(projects: pd.DataFrame) -> np.ndarray:
    """Ids of the located projects, in the order of :func:`map_points`' rows."""
    located = projects["lon"].notna() & projects["lat"].notna()
    return projects.loc[located, "id"].to_numpy()


def registry_points(projects: pd.DataFrame) -> tuple[dict, str]:
    """The coded projects of the whole registry and their version (a hash of the code).

    The version changes with anything the browser draws or writes (a position, a
    status, a title…), and only then.
    """
    payload = map_points(projects)
    payload["k"] = [int(i) for i in located_ids(projects)]
    digest = hashlib.sha256(script_json(payload).encode("utf-8")).hexdigest()[:16]
    return payload, digest


def encode_mask(all_ids, shown_ids) -> str:
    """Which of ``all_ids`` are in ``shown_ids``: one bit per project, first project in
    the highest bit of the first byte, base64."""
    bits = np.isin(np.asarray(all_ids), np.asarray(list(shown_ids)))
    return base64.b64encode(np.packbits(bits).tobytes()).decode("ascii")


def decode_mask(mask: str, n: int) -> np.ndarray:
    """The booleans of :func:`encode_mask` (``n`` projects), as the browser reads them."""
    raw = np.frombuffer(base64.b64decode(mask), dtype=np.uint8)
    return np.unpackbits(raw)[:n].astype(bool)


def view_payload(shown: pd.DataFrame, all_ids, context: MapContext | None, *,
                 contrats=(), tiles: bool = False, pack_id: str | None = None) -> dict:
    """What one change of filter sends: the mask of the projects shown and the view.

    Parameters
    ----------
    shown : pandas.DataFrame
        The filtered projects.
    all_ids : array-like
        :func:`located_ids` of the registry the frame holds.
    context : MapContext, optional
        The background (its bounds are the fallback view when no project is located).
    contrats : sequence of str
        Contract territories of the filter (their communes are drawn, their outline
        highlighted).
    tiles : bool
        The OpenStreetMap basemap (needs Internet).
    pack_id : str, optional
        Pack of the orientations in the legend (that of ``shown`` otherwise).

    Returns
    -------
    dict
        ``mask``, ``count`` (projects drawn), ``contrats``, ``bounds`` (fitted as the
        folium map does), ``fit`` (padding, maximal zoom), ``legend`` (escaped HTML),
        ``tiles`` (None or url and attribution), ``zoom`` (range), ``pane``, ``cluster``
        (options), the background styles and ``attribution`` (escaped).
    """
    contrats = [str(c) for c in contrats]
    ids = located_ids(shown)
    mask = encode_mask(all_ids, ids)
    located = shown[shown["lon"].notna() & shown["lat"].notna()]
    if len(located):
        rows = [[lat, lon] for lat, lon in zip(np.round(located["lat"].to_numpy(float), 5),
                                               np.round(located["lon"].to_numpy(float), 5),
                                               strict=True)]
        bounds = points_bounds(rows)
    elif context is not None:
        bounds = context.bounds(contrats)
    else:
        bounds = None
    spec = TILES["OpenStreetMap"]
    return {
        "mask": mask,
        "count": int(len(ids)),
        "contrats": contrats,
        "bounds": bounds,
        "fit": {"paddingTopLeft": list(FIT_PADDING_TOP_LEFT),
                "paddingBottomRight": list(FIT_PADDING_BOTTOM_RIGHT), "maxZoom": FIT_MAX_ZOOM},
        "legend": legend_html(pack_id or pack_of(shown)),
        "tiles": {"url": spec["tiles"], "attribution": spec["attr"],
                  "maxNativeZoom": spec["max_native_zoom"]} if tiles else None,
        "zoom": [MIN_ZOOM, MAX_ZOOM],
        "pane": list(PANE_PROJETS),
        "cluster": CLUSTER_OPTIONS,
        "commune_style": {**COMMUNE_STYLE, "fillOpacity": 0.0 if tiles else 0.85},
        "commune_highlight": COMMUNE_HIGHLIGHT,
        "others": OTHER_TERRITORIES,
        "chosen": CHOSEN_TERRITORIES,
        "attribution": esc(context.attribution) if context is not None else "",
    }
