"""The projects map of the Plan d'actions and the click that places a project."""

from __future__ import annotations

import pandas as pd
import streamlit as st

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


def show_projects_map(df: pd.DataFrame, ctx, territoires: list[str],
                      clickable: bool) -> tuple[float, float] | None:
    """Draw the projects map over the offline background; return the last click (lon, lat).

    The communes and contract territories come from the pack (no tiles needed); the
    OpenStreetMap basemap is an opt-in toggle, since it needs Internet.
    """
    from streamlit_folium import st_folium

    from carnet.maps.assets import external_links, use_local_assets
    from carnet.maps.projects import projects_map
    from carnet.ui.assets import assets_problem, map_download, static_base_url

    problem = assets_problem()
    if problem:
        st.warning(problem, icon="🗺️")
    tiles = st.toggle("Fond de plan OpenStreetMap (connexion Internet nécessaire)", value=False,
                      key="projets_tiles",
                      help="Sans fond de plan, la carte n'a besoin d'aucune connexion : les "
                           "communes et les territoires de contrat viennent du carnet.")
    m = projects_map(df, ctx.map_context, contrats=territoires, tiles=tiles,
                     base_url=static_base_url())
    use_local_assets(m, base_url=static_base_url())
    remaining = external_links(m)
    if remaining:
        st.warning("Cette carte charge des fichiers externes (hors ligne elle ne s'affichera "
                   "pas) : " + ", ".join(remaining))
    value = st_folium(m, key="projets_map", height=540, use_container_width=True,
                      returned_objects=["last_clicked"] if clickable else [])
    map_download(m, "carte_projets", "Plan d'actions — projets")
    click = (value or {}).get("last_clicked")
    if click:
        st.session_state["projets_click"] = (round(click["lng"], 6), round(click["lat"], 6))
    return st.session_state.get("projets_click")
