"""Streamlit wrapper: what st_folium receives, and the clicked commune."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from carnet.ui import assets as ui  # noqa: E402
from tests.maps.conftest import ROOT  # noqa: E402

HEADER = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import geopandas as gpd
import shapely
import streamlit as st
from carnet.maps import choropleth
from carnet.ui import assets as ui

g = gpd.GeoDataFrame(
    {{"code": ["59350", "59009"], "nom": ["Lille", "<b>Villeneuve</b>"], "v": [1.0, 2.0]}},
    geometry=[shapely.box(3, 50.6, 3.1, 50.7), shapely.box(3.1, 50.6, 3.2, 50.7)],
    crs=4326,
)
m = choropleth(g, "v", label="x", unit="", source="s", vintage=1)
"""


def _component_args(at: AppTest) -> dict:
    for element in at.main:
        proto = getattr(element, "proto", None)
        if proto is not None and hasattr(proto, "json_args") and proto.json_args:
            return json.loads(proto.json_args)
    raise AssertionError("no component rendered")


def test_st_folium_receives_only_local_assets_and_minimal_returns():
    at = AppTest.from_string(HEADER + "st.write(f\"code={ui.show_map(m, key='carte')}\")\n")
    at.run(timeout=60)
    assert not at.exception
    args = _component_args(at)
    assert args["js_links"] == ["/app/static/vendor/leaflet-1.9.4/leaflet.js"]
    assert args["css_links"] == ["/app/static/vendor/leaflet-1.9.4/leaflet.css"]
    assert args["returned_objects"] == ["last_active_drawing"]
    assert args["default"] == {"last_active_drawing": None}
    for part in (args["script"], args["header"], args["html"]):
        assert "https://" not in part.replace("https://leafletjs.com", "")
        assert "<b>Villeneuve</b>" not in part
    assert "toGeoJSON" in args["script"]
    assert [md.value for md in at.markdown] == ["code=None"]


def test_warns_in_french_when_assets_are_not_served():
    script = (
        HEADER
        + """
orig = ui.assets_problem
ui.assets_problem = lambda: "Bibliothèques absentes"
try:
    ui.show_map(m, key="c")
finally:  # the app runs in this process: do not leak the patch
    ui.assets_problem = orig
"""
    )
    at = AppTest.from_string(script)
    at.run(timeout=60)
    assert [w.value for w in at.warning] == ["Bibliothèques absentes"]


def test_assets_problem(monkeypatch):
    options = {"server.enableStaticServing": False}
    monkeypatch.setattr(ui.st, "get_option", options.get)
    assert "enableStaticServing = true" in ui.assets_problem()
    options["server.enableStaticServing"] = True
    monkeypatch.setattr(ui, "is_installed", lambda: False)
    assert "python -m carnet.maps.assets install" in ui.assets_problem()
    monkeypatch.setattr(ui, "is_installed", lambda: True)
    assert ui.assets_problem() is None


def test_click_is_remembered_per_key_and_points_do_not_reset_it():
    script = (
        HEADER
        + """
clicks = [
    None,
    {"last_active_drawing": {"type": "Feature", "properties": {"code": "59350", "nom": "Lille"}}},
    {"last_active_drawing": {"type": "Feature", "properties": {"nom": "Gare"}}},
]
n = st.session_state.get("n", 0)
st.session_state["n"] = n + 1
orig = ui.st_folium
ui.st_folium = lambda *a, **k: clicks[min(n, 2)]
try:
    st.write(f"code={ui.show_map(m, key='carte')}")
finally:  # the app runs in this process: do not leak the patch
    ui.st_folium = orig
"""
    )
    at = AppTest.from_string(script)
    at.run(timeout=60)
    assert at.markdown[0].value == "code=None"
    at.run(timeout=60)
    assert at.markdown[0].value == "code=59350"
    at.run(timeout=60)  # a click on a point layer keeps the commune
    assert at.markdown[0].value == "code=59350"


def test_clicked_code():
    assert ui.clicked_code(None) is None
    assert ui.clicked_code({"last_active_drawing": None}) is None
    feature = {"type": "Feature", "properties": {"code": "59350"}, "geometry": None}
    assert ui.clicked_code({"last_active_drawing": feature}) == "59350"
    assert ui.clicked_code({"last_active_drawing": {"properties": {"nom": "x"}}}) is None


def test_static_base_url_honours_base_path(monkeypatch):
    monkeypatch.setattr(ui.st, "get_option", lambda name: "/atlas/")
    assert ui.static_base_url() == "/atlas/app/static/vendor"
    monkeypatch.setattr(ui.st, "get_option", lambda name: "")
    assert ui.static_base_url() == "/app/static/vendor"
