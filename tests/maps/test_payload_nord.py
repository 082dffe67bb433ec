"""Payload regression guard on the real 648 Nord communes (needs $CARNET_SOURCES)."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from carnet.maps import choropleth

COMMUNES = "contours-admin-express-2018/departements/59-nord/communes-59-nord.geojson"
MAX_KB = 250

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("CARNET_SOURCES"), reason="CARNET_SOURCES non défini"),
]


@pytest.fixture(scope="module")
def nord() -> gpd.GeoDataFrame:
    path = Path(os.environ["CARNET_SOURCES"]) / COMMUNES
    if not path.is_file():
        pytest.skip(f"{path} absent")
    gdf = gpd.read_file(path).to_crs(2154)
    assert len(gdf) == 648
    gdf = gdf.set_geometry(shapely.coverage_simplify(gdf.geometry.values, 60.0))
    gdf["densite"] = 1e6 / gdf.area  # any numeric indicator; a few missing
    gdf.loc[gdf.index[::50], "densite"] = float("nan")
    return gdf.to_crs(4326)


def _ours(gdf) -> int:
    m = choropleth(gdf, "densite", label="Densité", unit="hab./km²", source="IGN", vintage=2018)
    return len(m.get_root().render().encode())


def test_nord_choropleth_is_small(nord):
    size = _ours(nord)
    assert size <= MAX_KB * 1024, f"{size / 1024:.0f} KB > {MAX_KB} KB"


def test_nord_choropleth_three_times_smaller_than_explore(nord):
    pytest.importorskip("matplotlib", reason="gdf.explore() a besoin de matplotlib")
    explore = len(nord.explore("densite").get_root().render().encode())
    ours = _ours(nord)
    assert explore >= 3 * ours, f"explore {explore / 1024:.0f} KB vs {ours / 1024:.0f} KB"


def test_nord_choropleth_three_times_smaller_than_plain_folium(nord):
    """Same guard without matplotlib: what explore() builds, by hand with folium."""
    import folium

    colors = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
    ranks = nord["densite"].rank(pct=True)
    frame = nord.assign(
        couleur=[colors[min(int(r * 5), 4)] if r == r else "#c8c8c8" for r in ranks]
    )
    m = folium.Map(tiles=None)
    folium.GeoJson(
        frame[["code", "nom", "densite", "couleur", "geometry"]],
        style_function=lambda f: {"fillColor": f["properties"]["couleur"], "weight": 0.6},
        tooltip=folium.GeoJsonTooltip(["nom", "densite"]),
    ).add_to(m)
    plain = len(m.get_root().render().encode())
    ours = _ours(nord)
    assert plain >= 3 * ours, f"folium {plain / 1024:.0f} KB vs {ours / 1024:.0f} KB"
