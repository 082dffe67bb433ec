"""The atlas's maps for the pages, cached on simple keys.

Each wrapper takes only ids (pack, cache folder, territory, indicator, scheme, layers)
so ``st.cache_data`` can key on them, and calls the builder of :mod:`carnet.maps.atlas`;
the map itself is drawn by :func:`carnet.ui.assets.show_map`.
"""

from __future__ import annotations

import folium
import streamlit as st

from carnet.maps import atlas
from carnet.maps.atlas import SELECTED_COLOR, SELECTED_LABEL  # noqa: F401  (used by the tests)
from carnet.ui.data import load

# Optional layers offered on the territory map (id → French label).
OVERLAYS = atlas.overlays()


@st.cache_data(show_spinner="Préparation de la carte…", max_entries=64)
def commune_map(pack_id: str, cache_dir: str, tid: str | None, iid: str, scheme: str,
                overlays: tuple[str, ...] = ("epci",), selected: str | None = None) -> folium.Map:
    """:func:`carnet.maps.atlas.commune_map` of the pack ``pack_id``."""
    return atlas.commune_map(load(pack_id, cache_dir), tid, iid, scheme, overlays, selected)


@st.cache_data(show_spinner=False, max_entries=256)
def commune_payload(pack_id: str, cache_dir: str, tid: str | None, iid: str, scheme: str,
                    overlays: tuple[str, ...] = ("epci",), selected: str | None = None) -> dict:
    """:func:`carnet.maps.fast.values_payload` of the pack ``pack_id`` (the fast map's values)."""
    from carnet.maps.fast import values_payload

    return values_payload(load(pack_id, cache_dir), tid, iid, scheme, overlays, selected)


@st.cache_data(show_spinner="Préparation de la carte…", max_entries=16)
def territories_map(pack_id: str, cache_dir: str, iid: str) -> folium.Map:
    """:func:`carnet.maps.atlas.territories_map` of the pack ``pack_id``."""
    return atlas.territories_map(load(pack_id, cache_dir), iid)


@st.cache_data(show_spinner=False, max_entries=64)
def locator_map(pack_id: str, cache_dir: str, code: str, iid: str = "pop_2022") -> folium.Map:
    """:func:`carnet.maps.atlas.locator_map` of the pack ``pack_id``."""
    return atlas.locator_map(load(pack_id, cache_dir), code, iid)
