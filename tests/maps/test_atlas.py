"""The atlas's maps built in the core (carnet.maps.atlas), layers drawn as couches.toml says."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import shapely

from carnet.layers import layer_registry
from carnet.maps import atlas

ROOT = Path(__file__).resolve().parents[2]


def test_every_map_layer_has_a_known_kind_and_its_style():
    layers = atlas.map_layers()
    assert set(layers) == {"monuments", "musees", "gares", "colleges", "pnr"}
    for spec in layers.values():
        assert spec["kind"] in atlas.DRAW and spec["label"] and spec["color"].startswith("#")
    assert list(layers)[0] == "pnr"  # zones first: drawn under the points
    assert list(atlas.overlays()) == ["epci", "pnr", "monuments", "musees", "gares", "colleges"]


def test_no_layer_id_in_the_code_of_maps_and_ui():
    """Layers are drawn by kind, never by id: no couche id as a string in carnet/maps, carnet/ui."""
    ids = set(layer_registry())
    for path in [*(ROOT / "carnet" / "maps").glob("*.py"), *(ROOT / "carnet" / "ui").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in ids}
        assert not found, f"{path.name}: {found}"


@pytest.mark.integration
def test_point_style_and_tooltip_come_from_the_registry(nord, monkeypatch):
    reg = {lid: dict(spec) for lid, spec in layer_registry().items()}
    reg["gares"]["map"] = {**reg["gares"]["map"], "color": "#123456", "label": "Haltes",
                           "tooltip": [], "cluster_above": 10}
    monkeypatch.setattr(atlas, "layer_registry", lambda: reg)
    html = atlas.commune_map(nord, None, "pop_2022", overlays=("gares",)).get_root().render()
    assert "#123456" in html and "Haltes (" in html and "Gares de voyageurs" not in html
    assert "markerClusterGroup" in html  # more than 10 stations: clustered
    assert '"Segment"' not in html


@pytest.mark.integration
def test_maps_draw_on_a_given_map(nord):
    from carnet.maps import base_map

    m = base_map()
    assert atlas.commune_map(nord, "cambresis", "pop_2022", m=m) is m
    assert atlas.territories_map(nord, "pop_2022", m=base_map()) is not m


def test_a_shipped_map_names_no_file_of_ours(communes):
    from carnet.maps import add_points, choropleth

    m = choropleth(communes, "valeur", label="I", unit="", source="s", vintage=1)
    add_points(m, communes.set_geometry(shapely.centroid(communes.geometry.values)), label="p",
               attribution="a",
               cluster=True)
    html = m.get_root().render()
    assert "performance.mark" in html
    assert "benchmarks" not in html and ".py" not in html


def test_map_credit_of_a_source():
    from carnet.sources import get_source

    assert get_source("contours-admin-express-2018").map_credit() == "IGN Admin Express 2018"
    musees = get_source("culture-musees-de-france")  # no short credit: producer, vintage
    assert musees.producteur.startswith("Ministère de la Culture")
    assert musees.map_credit() == f"Ministère de la Culture, {musees.millesime}"


@pytest.mark.integration
def test_attribution_comes_from_the_pack_sources(nord, monkeypatch):
    import dataclasses

    import pandas as pd

    from carnet.maps.projects import MapContext, projects_map

    assert atlas.geo_attribution(nord) == "IGN Admin Express 2018, INSEE COG 2024"
    assert "IGN Admin Express 2018, INSEE COG 2024" in projects_map(
        pd.DataFrame(columns=["lon", "lat"]), MapContext.from_pack(nord)).get_root().render()
    other = dataclasses.replace(nord, config=dataclasses.replace(
        nord.config, cog="cog-decoupage-administratif-2021"))
    html = atlas.territories_map(other, "pop_2022").get_root().render()
    assert "IGN Admin Express 2018, INSEE, PL 2019" in html and "COG 2024" not in html
