"""Base map: offline-first folium map with locally served Leaflet."""

from __future__ import annotations

from typing import Literal

import folium

from carnet.maps.assets import DEFAULT_BASE_URL, use_local_assets
from carnet.maps.elements import ScaleBar, ensure_style

#: Metropolitan France with Corsica (WGS84, ``((south, west), (north, east))``): the view
#: of a map given no extent of its own. Maps of a pack open on its bounds.
FRANCE_BOUNDS = ((41.3, -5.2), (51.1, 9.6))
MAX_ZOOM = 16
MIN_ZOOM = 6

Tiles = Literal["OpenStreetMap"] | None
TILES: dict[str, dict] = {
    "OpenStreetMap": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": (
            '&copy; <a href="https://www.openstreetmap.org/copyright">'
            "les contributeurs d’OpenStreetMap</a>"
        ),
        "name": "Fond OpenStreetMap",
        "max_native_zoom": 19,
    },
}


def base_map(
    *,
    tiles: Tiles = None,
    bounds=None,
    location: tuple[float, float] | None = None,
    zoom_start: float = 8.5,
    max_zoom: int = MAX_ZOOM,
    min_zoom: int = MIN_ZOOM,
    height: str | int = "100%",
    base_url: str = DEFAULT_BASE_URL,
    control_scale: bool = True,
) -> folium.Map:
    """Create an offline-capable folium map.

    Parameters
    ----------
    tiles : {"OpenStreetMap", None}
        Basemap. ``None`` (default) draws no tiles: the layers sit on a plain
        light background and the map needs no network at all. With
        ``"OpenStreetMap"`` the browser fetches tiles from OSM's tile servers.
    bounds : ``[[south, west], [north, east]]``, optional
        Extent of the data (e.g. a pack's communes): the map opens on its centre
        (default :data:`FRANCE_BOUNDS`). The layers then fit the view to their data.
    location, zoom_start :
        Initial view (``location``, if given, overrides the centre of ``bounds``).
    max_zoom, min_zoom : int
        Explicit zoom range. ``maxZoom`` is mandatory for marker clusters when
        there is no tile layer to provide it.
    height : str or int
        Map height (folium format).
    base_url : str
        Where the browser finds ``static/vendor`` (see :mod:`carnet.maps.assets`).
    control_scale : bool
        Show a metric scale bar (bottom left).

    Returns
    -------
    folium.Map
        With Leaflet pointed at the local files and the atlas's CSS.
    """
    if tiles is not None and tiles not in TILES:
        valid = ", ".join([*TILES, "None"])
        raise ValueError(f"fond de carte inconnu : {tiles!r} (valeurs possibles : {valid})")
    if location is None:
        (south, west), (north, east) = bounds if bounds is not None else FRANCE_BOUNDS
        location = (round((south + north) / 2, 5), round((west + east) / 2, 5))
    m = folium.Map(
        location=list(location),
        zoom_start=zoom_start,
        tiles=None,
        height=height,
        control_scale=False,
        prefer_canvas=False,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        maxZoom=max_zoom,
        minZoom=min_zoom,
        zoomSnap=0.25,
        zoomDelta=0.5,
        wheelPxPerZoomLevel=120,
    )
    if tiles is not None:
        spec = TILES[tiles]
        folium.TileLayer(
            tiles=spec["tiles"],
            attr=spec["attr"],
            name=spec["name"],
            max_zoom=max_zoom,
            max_native_zoom=spec["max_native_zoom"],
            min_zoom=min_zoom,
            overlay=False,
            control=True,
        ).add_to(m)
    if control_scale:
        ScaleBar().add_to(m)
    ensure_style(m)
    use_local_assets(m, base_url=base_url)
    return m


def geo_attribution(pack) -> str:
    """Credit of the pack's geography (commune contours, then the COG giving communes, EPCI
    and territories), from their sources: ``IGN Admin Express 2018, INSEE COG 2024``."""
    from carnet.sources import get_source

    return ", ".join(get_source(sid).map_credit() for sid in (pack.config.contours,
                                                              pack.config.cog))
