"""The projects map's fast path (carnet.maps.fastprojets) on the tiny pack, against the folium map."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.maps import fastprojets
from carnet.maps.projects import MapContext, legend_html, map_points, projects_map
from carnet.pack import load_pack

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def context(tiny_pack):
    ctx = MapContext.from_pack(load_pack(tiny_pack.id))
    ctx.communes.loc[ctx.communes["code"] == "02002", "nom"] = XSS  # a hostile commune name
    return ctx


def _projects(pack_id: str) -> pd.DataFrame:
    """Four projects, one not located, one with a hostile title."""
    return pd.DataFrame({
        "id": [3, 7, 9, 12],
        "titre": [XSS, "Maison de santé", "Voie verte", "Collège"],
        "statut": ["engage", "idee", None, "realise"],
        "orientation": [None, None, None, None],
        "commune": ["02001", "02002", "02005", "02006"],
        "commune_nom": ["Aubeville", "Bellecourt", "Épinville", "Fontaine-sur-Aubette"],
        "lon": [3.35, 3.45, None, 3.52],
        "lat": [49.65, 49.61, None, 49.55],
        "pack": [pack_id] * 4,
    })


@given(st.lists(st.booleans(), max_size=200))
def test_mask_round_trips(flags):
    ids = np.arange(100, 100 + len(flags))
    shown = ids[np.asarray(flags, dtype=bool)] if flags else []
    mask = fastprojets.encode_mask(ids, shown)
    assert fastprojets.decode_mask(mask, len(flags)).tolist() == list(flags)
    assert len(mask) <= 4 * ((len(flags) + 7) // 8 + 2) // 3 + 4  # one bit per project


def test_mask_first_project_is_the_high_bit():
    # The browser reads bit 7 of byte 0 first (frontend/projets/index.html, bits()).
    assert fastprojets.encode_mask([5, 6, 7, 8, 9, 10, 11, 12, 13], [5, 13]) == "gIA="


def test_context_files_escape_names_and_are_content_hashed(context, tmp_path):
    names = fastprojets.write_context(context, "tiny", tmp_path)
    assert set(names) == {"departement", "territoire"}
    dep = json.loads((tmp_path / names["departement"]).read_text(encoding="utf-8"))
    assert dep["c"]["02002"][0] == "&lt;img src=x onerror=alert(1)&gt;"
    assert dep["c"]["02001"][:2] == ["Aubeville", "plateau"]
    assert set(dep["t"]) == {"plateau", "val"}
    assert {r[2] for r in dep["n"]} >= {"Aubeville", "Épinville"}
    assert XSS not in (tmp_path / names["departement"]).read_text(encoding="utf-8")
    detail = json.loads((tmp_path / names["territoire"]).read_text(encoding="utf-8"))
    assert set(detail) == {"p", "c"} and len(detail["c"]) == 6
    before = {d: (tmp_path / rel).stat().st_mtime_ns for d, rel in names.items()}
    assert fastprojets.write_context(context, "tiny", tmp_path) == names  # same content, same name
    assert {d: (tmp_path / rel).stat().st_mtime_ns for d, rel in names.items()} == before
    context.communes.loc[context.communes["code"] == "02001", "nom"] = "Aubeville-le-Neuf"
    again = fastprojets.write_context(context, "tiny", tmp_path)
    assert again["departement"] != names["departement"]
    assert again["territoire"] == names["territoire"]  # the detailed file did not change


def test_unknown_detail_lists_the_valid_ones(context):
    with pytest.raises(ValueError, match="departement, territoire"):
        fastprojets.context_document(context, "commune")


def test_registry_version_follows_what_is_drawn(tiny_pack):
    df = _projects(tiny_pack.id)
    payload, version = fastprojets.registry_points(df)
    assert payload["k"] == [3, 7, 12]  # the located ones, in map_points' order
    assert {k: v for k, v in payload.items() if k != "k"} == map_points(df)
    assert fastprojets.registry_points(df.copy())[1] == version
    moved = df.assign(lon=[3.35, 3.46, None, 3.52])
    assert fastprojets.registry_points(moved)[1] != version
    renamed = df.assign(titre=[XSS, "Maison de santé pluri", "Voie verte", "Collège"])
    assert fastprojets.registry_points(renamed)[1] != version
    hidden = df.assign(commune=["02001", "02002", "02004", "02006"])  # not located: not drawn
    assert fastprojets.registry_points(hidden)[1] == version


def test_view_fits_as_the_folium_map_and_shows_its_legend(tiny_pack, context):
    df = _projects(tiny_pack.id)
    all_ids = fastprojets.located_ids(df)
    shown = df[df["statut"] != "idee"]
    view = fastprojets.view_payload(shown, all_ids, context, contrats=["plateau"])
    assert fastprojets.decode_mask(view["mask"], len(all_ids)).tolist() == [True, False, True]
    assert view["count"] == 2 and view["contrats"] == ["plateau"]
    m = projects_map(shown, context, contrats=["plateau"])
    fitted = next(v for k, v in m._children.items() if k.startswith("fit_bounds"))
    assert view["bounds"] == [list(p) for p in fitted.bounds]
    assert view["fit"]["maxZoom"] == fitted.options["maxZoom"]
    assert view["legend"] == legend_html(tiny_pack.id)
    assert view["tiles"] is None and view["commune_style"]["fillOpacity"] == 0.85
    json.dumps(view)  # what the component is sent: plain JSON


def test_view_without_located_project_fits_the_territories(tiny_pack, context):
    df = _projects(tiny_pack.id)
    view = fastprojets.view_payload(df[df["lon"].isna()], fastprojets.located_ids(df), context,
                                    contrats=["val"], tiles=True)
    assert view["count"] == 0 and view["bounds"] == context.bounds(["val"])
    assert fastprojets.decode_mask(view["mask"], 3).tolist() == [False, False, False]
    assert view["tiles"]["url"].startswith("https://") and view["commune_style"]["fillOpacity"] == 0
