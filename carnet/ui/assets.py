"""Streamlit side of the maps: serve the vendored assets, show a map, read clicks.

The only module of the map layer that imports streamlit. The app needs, in
``.streamlit/config.toml``::

    [server]
    enableStaticServing = true

and the assets installed once (``python -m carnet.maps.assets install``) into
``static/vendor/`` next to ``app.py``.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from carnet.maps.assets import (
    STATIC_DIR,
    external_links,
    is_installed,
    stable_html,
    use_local_assets,
    write_hashed,
)

# Only the clicked feature is sent back: panning and zooming do not rerun the
# script (streamlit-folium reruns only when a returned object changes).
RETURNED_OBJECTS = ["last_active_drawing"]


def static_base_url() -> str:
    """URL of ``static/vendor`` as the browser sees it (honours ``baseUrlPath``)."""
    prefix = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{prefix}/app/static/vendor" if prefix else "/app/static/vendor"


def assets_problem() -> str | None:
    """French description of what prevents offline maps, or None if all is set."""
    if not st.get_option("server.enableStaticServing"):
        return (
            "Le service des fichiers statiques est désactivé : ajoutez "
            "« enableStaticServing = true » dans la section [server] de "
            ".streamlit/config.toml."
        )
    if not is_installed():
        return (
            "Les bibliothèques cartographiques ne sont pas installées : lancez "
            "« python -m carnet.maps.assets install »."
        )
    return None


def clicked_code(value: dict | None) -> str | None:
    """Commune code from st_folium's return value, if a commune was clicked.

    Parameters
    ----------
    value : dict or None
        What ``st_folium`` returned; only ``last_active_drawing`` is read, a
        feature whose properties hold ``code`` for commune layers (point layers
        have none).
    """
    if not value:
        return None
    feature = value.get("last_active_drawing") or {}
    code = (feature.get("properties") or {}).get("code")
    return str(code) if code else None


def map_download(m, key: str, title: str) -> None:
    """A button giving ``m`` as one self-contained HTML file (opens with no network).

    ``m`` is a :class:`folium.Map` or a function returning one (the fast map builds the
    folium map only when the file is asked for). The file is made only when the button is
    pressed (deferred data), and the press does not rerun the page.
    """
    from carnet.maps.standalone import standalone_html

    if not is_installed():
        return
    st.download_button(
        "Télécharger la carte (HTML hors ligne)",
        data=lambda: standalone_html(m() if callable(m) else m, title=title).encode("utf-8"),
        file_name=f"{key.replace('_', '-')}.html",
        mime="text/html",
        key=f"{key}__html",
        on_click="ignore",
        help="Un seul fichier, lisible sans réseau (clé USB, atelier) : la carte, ses données et "
             "Leaflet y sont inclus ; le fond de carte en ligne n'y est pas.",
    )


def _asset_warnings(remaining: list[str] | tuple[str, ...]) -> None:
    """What keeps a map from drawing offline, said above it (nothing when all is served here)."""
    problem = assets_problem()
    if problem:
        st.warning(problem, icon="🗺️")
    if remaining:
        st.warning(
            "Cette carte charge des fichiers externes (hors ligne elle ne s'affichera pas) : "
            + ", ".join(remaining)
        )


#: Folder of :func:`map_page`'s files under ``static/``.
PAGES_SUBDIR = "cartes"


def map_page(m: folium.Map, stem: str, base_url: str) -> tuple[str, tuple[str, ...]]:
    """Write ``m`` once as a page of its own and return its URL and the external links left.

    For a map whose clicks the page does not read (the carnet's layers): the page
    ``static/cartes/<stem>-<sha256:16>.html`` (:func:`carnet.maps.assets.write_hashed`) loads
    Leaflet from ``base_url`` (:func:`static_base_url`), and :func:`show_map_page` only sends
    its address. The map is rendered once per process instead of on every rerun (about 75 ms
    of a Territoire rerun, issue #12 §1), and its script no longer travels each time.
    """
    use_local_assets(m, base_url=base_url)
    rel = write_hashed(STATIC_DIR, PAGES_SUBDIR, stem, ".html", stable_html(m))
    return f"{base_url.removesuffix('/vendor')}/{rel}", tuple(external_links(m))


def show_map_page(page: tuple[str, tuple[str, ...]], *, title: str, height: int = 560) -> None:
    """Show a :func:`map_page` (its URL, its external links) in a frame ``height`` pixels high,
    named ``title`` for screen readers (the frame's ``title``)."""
    url, remaining = page
    _asset_warnings(remaining)
    st.iframe(url, height=height, alt=title)


def show_map(m: folium.Map, key: str, height: int = 560, title: str | None = None) -> str | None:
    """Display ``m`` and return the INSEE code of the last commune clicked.

    Parameters
    ----------
    m : folium.Map
        A map built with :mod:`carnet.maps` (assets are re-pointed at this
        server's static URL).
    key : str
        Stable widget key: the selection is kept per key across reruns, and a
        click on a point layer keeps the previous commune.
    height : int
        Height in pixels.
    title : str, optional
        Title of the map's offline HTML file: when given, a download button follows the map.

    Returns
    -------
    str or None
        Code of the last commune clicked on this map, None before any click.
    """
    use_local_assets(m, base_url=static_base_url())
    _asset_warnings(external_links(m))
    value = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=RETURNED_OBJECTS,
    )
    if title is not None:
        map_download(m, key, title)
    state_key = f"{key}__commune"
    code = clicked_code(value)
    if code is not None:
        st.session_state[state_key] = code
    return st.session_state.get(state_key)
