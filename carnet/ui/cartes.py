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
#: The territory map's layer of approved workshop contributions (not a pack layer: it comes
#: from the app's database, :mod:`carnet.ateliers`).
CONTRIBUTIONS = "contributions"


def approved_contributions(pack_id: str, tid: str | None) -> list[dict]:
    """The approved contributions of ``tid``'s ateliers (none for the whole pack)."""
    if tid is None:
        return []
    from carnet.ateliers import approved
    from carnet.ui.ateliers import repository

    return approved(repository(), pack_id, tid)


def overlay_sources(overlays) -> list[str]:
    """The source lines of the layers that are not the pack's (the contributions')."""
    if CONTRIBUTIONS in overlays:
        return ["Contributions des participants aux ateliers, après modération"]
    return []


def overlay_choices(pack_id: str, tid: str | None) -> dict[str, str]:
    """:data:`OVERLAYS`, and the contributions layer when ``tid`` has approved contributions."""
    n = len(approved_contributions(pack_id, tid))
    return {**OVERLAYS, **({CONTRIBUTIONS: f"Contributions des ateliers ({n})"} if n else {})}


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


@st.cache_data(show_spinner="Préparation de la carte…", max_entries=16)
def region_map(pack_id: str, cache_dir: str, iid: str) -> folium.Map:
    """:func:`carnet.maps.region.region_map` of the pack ``pack_id`` (EPCI, then communes by zoom)."""
    from carnet.maps.region import region_map as build

    return build(load(pack_id, cache_dir), iid)


@st.cache_data(show_spinner=False, max_entries=64)
def locator_map(pack_id: str, cache_dir: str, code: str, iid: str = "pop_2022") -> folium.Map:
    """:func:`carnet.maps.atlas.locator_map` of the pack ``pack_id``."""
    return atlas.locator_map(load(pack_id, cache_dir), code, iid)


def show_commune_map(pack_id: str, cache_dir: str, tid: str | None, iid: str, scheme: str,
                     overlays: tuple[str, ...], selected: str | None, *, key: str, title: str,
                     height: int = 600) -> str | None:
    """The commune choropleth on a page; the INSEE code of the last commune clicked.

    With no point layer (and unless ``CARNET_FAST_MAP=0``), the fast map (geometry sent once, values
    on change; its HTML download builds the folium map only when asked), else the folium map.
    """
    from carnet.ui import fastmap
    from carnet.ui.assets import map_download, show_map

    def folium_map():
        if CONTRIBUTIONS in overlays:  # database rows: drawn on a map of their own, not cached
            rest = tuple(o for o in overlays if o != CONTRIBUTIONS)
            return atlas.commune_map(load(pack_id, cache_dir), tid, iid, scheme, rest, selected,
                                     contributions=approved_contributions(pack_id, tid))
        return commune_map(pack_id, cache_dir, tid, iid, scheme, overlays, selected=selected)

    if fastmap.enabled() and set(overlays) <= {"epci"}:  # the component draws no point layer
        clicked = fastmap.show_fast_map(
            pack_id, cache_dir, commune_payload(pack_id, cache_dir, tid, iid, scheme, overlays,
                                                selected=selected),
            key=key, detail="territoire", height=height)
        map_download(folium_map, key, title)
        return clicked
    return show_map(folium_map(), key=key, height=height, title=title)
