"""The projects map as streamlit-folium sends it: every JS variable it uses is defined.

Regression: the cluster data once sat in a separate figure script that st_folium never
renders (it runs each element's ``script`` macro only), so the browser failed with
``fast_marker_cluster_div_3_data is not defined`` and the map stayed blank.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest
from streamlit_folium import generate_leaflet_string

from carnet.maps.projects import MapContext, decode_points, payloads, projects_map
from carnet.projets.territory import TerritoryContext
from carnet.projets.views import enrich
from tests.projets.conftest import make_communes, sample

# Names that folium/st_folium generate: map_div, fast_marker_cluster_div_3(_data), ...
FOLIUM_VAR = re.compile(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)*_div(?:_[0-9]+)*(?:_[a-z]+)*)\b")


def _st_folium_script(m) -> str:
    """The script st_folium builds: page render first, then each element's script macro."""
    m.get_root().render()
    return generate_leaflet_string(m)


def _frame(repo, ctx) -> pd.DataFrame:
    repo.create(sample(titre="<img src=x onerror=alert(1)>"), user="u")
    repo.create(sample(titre="{{ 7*7 }}", commune="59139", statut="idee"), user="u")
    repo.create(sample(titre="Sans lieu", commune=None, localiser_commune=False), user="u")
    return enrich(repo.dataframe("nord"), ctx)


def _undefined(script: str) -> set[str]:
    strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', script)  # ignore string literals
    used = set(FOLIUM_VAR.findall(strings))
    defined = set(re.findall(r"\bvar\s+([A-Za-z_$][\w$]*)", script))
    return {name for name in used - defined if name != "map_div"} | (
        {"map_div"} if "map_div" in used and "map_div" not in defined else set())


@pytest.mark.parametrize("with_context", [False, True])
def test_every_folium_variable_is_defined(repo, ctx, with_context):
    df = _frame(repo, ctx)
    context = MapContext.from_communes(make_communes()) if with_context else None
    script = _st_folium_script(projects_map(df, context, contrats=["cambresis"]))
    assert "markerClusterGroup" in script
    assert _undefined(script) == set(), script[:2000]


def test_checker_catches_the_blank_map_bug():
    bad = 'var map_div = L.map("map_div");\nvar c = L.markerClusterGroup();\n' \
          "fast_marker_cluster_div_3_data.forEach(function (r) {});"
    assert _undefined(bad) == {"fast_marker_cluster_div_3_data"}


def test_data_reaches_the_script_escaped(repo, ctx):
    script = _st_folium_script(projects_map(_frame(repo, ctx), ctx.map_context))
    # script_json: no "<" that could close the script, no Jinja opener left to evaluate
    assert "<img" not in script and "{{" not in script
    payload = payloads(script)[0]
    assert "49" not in " ".join(payload["w"])  # « {{ 7*7 }} » not evaluated
    tips = [p["tooltip"][0] for p in decode_points(payload)]
    assert sorted(tips) == ["<img src=x onerror=alert(1)>", "{{ 7*7 }}"]  # raw text, kept
    # the tooltip is built with text nodes only: no data string goes through innerHTML
    cluster = script[script.index("var tip = "):script.index("cluster.addTo(map)")]
    assert "innerHTML" not in cluster and "textContent" in cluster


@pytest.mark.skipif(shutil.which("node") is None, reason="node absent")
def test_script_is_valid_javascript(repo, ctx, tmp_path):
    script = _st_folium_script(projects_map(_frame(repo, ctx), ctx.map_context,
                                            contrats=["cambresis"], tiles=True))
    js = tmp_path / "map.js"
    js.write_text(script, encoding="utf-8")
    out = subprocess.run(["node", "--check", str(js)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_context_background_layers_and_fit(ctx):
    empty = enrich(pd.DataFrame(columns=["id", "titre", "commune", "territoire", "lon", "lat",
                                         "orientation", "statut", "illustratif"]), ctx)
    mc = MapContext.from_communes(make_communes())
    script = _st_folium_script(projects_map(empty, mc, contrats=["cambresis"]))
    # communes of the filtered territory, outlines (others + filtered), labels, no tiles
    assert script.count("CarnetMaps.features(d)") == 3
    assert "Caudry" in script and "Lille" not in script.split("carnet-labels")[1]
    assert "tile.openstreetmap" not in script
    # no project: the view is fitted to the Cambrésis communes (squares of 0.06°)
    assert re.search(r"fitBounds\(\s*\[\[50\.075, 3\.205\], \[50\.205, 3\.57\]\]", script)


def test_fit_keeps_a_minimum_extent(repo, ctx):
    repo.create(sample(), user="u")
    script = _st_folium_script(projects_map(enrich(repo.dataframe("nord"), ctx)))
    (s, w), (n, e) = (map(float, p) for p in re.findall(
        r"\[([\d.]+), ([\d.]+)\]", script.split("fitBounds(")[1])[:2])
    assert n - s == pytest.approx(0.18) and e - w == pytest.approx(0.28)
    # the legend's column (bottom right) and the zoom buttons (top left) are kept free
    assert '"paddingBottomRight": [250, 24], "paddingTopLeft": [56, 24]' in script


def test_osm_basemap_is_opt_in(repo, ctx):
    df = enrich(repo.dataframe("nord"), ctx)
    assert "tile.openstreetmap" not in projects_map(df).get_root().render()
    assert "tile.openstreetmap" in projects_map(df, tiles=True).get_root().render()


def test_territory_context_builds_the_background_once(ctx):
    tc = TerritoryContext(pack_id="nord", communes=make_communes())
    assert tc.map_context is tc.map_context
    assert set(tc.map_context.territoires["code"]) == {"cambresis", "metropole-lilloise"}
    assert tc.map_context.bounds(["cambresis"])[0] == pytest.approx([50.075, 3.205])
