"""The projects map of the Plan d'actions and the click that places a project."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from carnet.ui import fastmap

LOCATION_CHOICES = ["Commune (centre)", "Clic sur la carte", "Coordonnées", "À localiser"]


def new_map_click(key: str, clicked: tuple[float, float] | None) -> tuple[float, float] | None:
    """The map click meant for form ``key``: one made while the form is open.

    A click made before the form opened (another project's) is ignored; a new click
    switches the form's « Localisation » to « Clic sur la carte », since an editor who
    clicks the map means to place the project there (it used to be dropped silently
    when the choice stayed on « Commune (centre) »).
    """
    seen_key, point_key = f"{key}_seen_click", f"{key}_click"
    if seen_key not in st.session_state:  # the form opens: earlier clicks are not for it
        st.session_state[seen_key] = clicked
    elif clicked is not None and clicked != st.session_state[seen_key]:
        st.session_state[seen_key] = clicked
        st.session_state[point_key] = clicked
        st.session_state[f"{key}_how"] = LOCATION_CHOICES[1]
    return st.session_state.get(point_key)


#: Widget key of the projects map (its last value: a click, or the frame asking for data).
MAP_KEY = "projets_map"
MAP_HEIGHT = 540
_FRONTEND = Path(__file__).resolve().parent.parent / "frontend" / "projets"
_component = components.declare_component("carnet_projets", path=str(_FRONTEND))
#: Coded registries already computed (fingerprint → (payload, version)), newest last.
_POINTS: dict[tuple, tuple[dict, str]] = {}
_POINT_FIELDS = ("id", "lat", "lon", "statut", "orientation", "titre", "commune", "commune_nom",
                 "maitre_ouvrage", "annee_debut", "annee_fin", "illustratif", "pack")


def _registry_points(all_df: pd.DataFrame) -> tuple[dict, str]:
    """:func:`carnet.maps.fastprojets.registry_points`, computed once per registry content
    (a hash of the columns it reads) and process."""
    from carnet.maps.fastprojets import registry_points

    cols = [c for c in _POINT_FIELDS if c in all_df.columns]
    rows = pd.util.hash_pandas_object(all_df[cols], index=False).to_numpy()
    fingerprint = (tuple(cols), hashlib.blake2b(rows.tobytes(), digest_size=16).hexdigest())
    kept = _POINTS.get(fingerprint)
    if kept is None:
        kept = registry_points(all_df)
        _POINTS[fingerprint] = kept
        while len(_POINTS) > 4:
            _POINTS.pop(next(iter(_POINTS)))
    return kept


@st.cache_resource(show_spinner=False)
def _context_files(pack_id: str, _context) -> dict[str, str]:
    """Write (once per process and pack) the background files; their names under static/."""
    from carnet.maps.assets import STATIC_DIR
    from carnet.maps.fastprojets import write_context

    return write_context(_context, pack_id, STATIC_DIR)


def _folium_map(df: pd.DataFrame, ctx, territoires: list[str], tiles: bool):
    """The folium projects map (reference; offline HTML file, ``CARNET_FAST_MAP=0``)."""
    from carnet.maps.assets import use_local_assets
    from carnet.maps.projects import projects_map
    from carnet.ui.assets import static_base_url

    m = projects_map(df, ctx.map_context, contrats=territoires, tiles=tiles,
                     base_url=static_base_url())
    use_local_assets(m, base_url=static_base_url())
    return m


def _fast_map(df: pd.DataFrame, all_df: pd.DataFrame, ctx, territoires: list[str],
              clickable: bool, tiles: bool) -> dict | None:
    """Draw the fast projects map; return its last value.

    The registry's coded projects go to the frame when its version is new to this
    session, or when the frame asks for them (a frame made again after the page was
    left); otherwise a rerun sends only the mask of the projects shown and the view.
    """
    from carnet.maps.fastprojets import view_payload
    from carnet.ui.assets import static_base_url

    points, version = _registry_points(all_df)
    value = st.session_state.get(MAP_KEY)
    sent_key, served_key = f"{MAP_KEY}__sent", f"{MAP_KEY}__served"
    need = (isinstance(value, dict) and value.get("need") == version
            and value.get("n") != st.session_state.get(served_key))
    if need:
        st.session_state[served_key] = value.get("n")
    include = need or st.session_state.get(sent_key) != version
    files = _context_files(ctx.pack_id, ctx.map_context)
    css, decoder = fastmap.shared_files()
    base = static_base_url().removesuffix("/vendor")
    args = {**view_payload(df, points["k"], ctx.map_context, contrats=territoires, tiles=tiles,
                           pack_id=ctx.pack_id),
            "version": version, "data": points if include else None,
            "context": {d: f"{base}/{rel}" for d, rel in files.items()},
            "css": f"{base}/{css}", "decoder": f"{base}/{decoder}", "vendor": static_base_url(),
            "clickable": bool(clickable), "height": MAP_HEIGHT}
    st.session_state[f"{MAP_KEY}__payload"] = args  # AppTest cannot render components
    value = _component(map=args, height=MAP_HEIGHT, key=MAP_KEY, default=None)
    st.session_state[sent_key] = version
    return value


def show_projects_map(df: pd.DataFrame, ctx, territoires: list[str], clickable: bool,
                      all_df: pd.DataFrame | None = None) -> tuple[float, float] | None:
    """Draw the projects map over the offline background; return the last click (lon, lat).

    The communes and contract territories come from the pack (no tiles needed); the
    OpenStreetMap basemap is an opt-in toggle, since it needs Internet. With the fast map
    on (default, :func:`carnet.ui.fastmap.enabled`) and ``all_df`` (the unfiltered
    registry) given, one frame stays: a filter change sends a mask of ``all_df``'s
    projects (:mod:`carnet.maps.fastprojets`); otherwise the folium map is drawn again.
    """
    from carnet.maps.assets import external_links
    from carnet.ui.assets import assets_problem, map_download

    problem = assets_problem()
    if problem:
        st.warning(problem, icon="🗺️")
    tiles = st.toggle("Fond de plan OpenStreetMap (connexion Internet nécessaire)", value=False,
                      key="projets_tiles",
                      help="Sans fond de plan, la carte n'a besoin d'aucune connexion : les "
                           "communes et les territoires de contrat viennent du carnet.")
    if fastmap.enabled() and all_df is not None:
        value = _fast_map(df, all_df, ctx, territoires, clickable, tiles)
        click = value.get("click") if isinstance(value, dict) else None
        if click:
            st.session_state["projets_click"] = (round(float(click[0]), 6),
                                                 round(float(click[1]), 6))
        map_download(lambda: _folium_map(df, ctx, territoires, tiles), "carte_projets",
                     "Plan d'actions — projets")
        return st.session_state.get("projets_click")
    from streamlit_folium import st_folium

    m = _folium_map(df, ctx, territoires, tiles)
    remaining = external_links(m)
    if remaining:
        st.warning("Cette carte charge des fichiers externes (hors ligne elle ne s'affichera "
                   "pas) : " + ", ".join(remaining))
    value = st_folium(m, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                      returned_objects=["last_clicked"] if clickable else [])
    map_download(m, "carte_projets", "Plan d'actions — projets")
    click = (value or {}).get("last_clicked")
    if click:
        st.session_state["projets_click"] = (round(click["lng"], 6), round(click["lat"], 6))
    return st.session_state.get("projets_click")
