"""The screen-only fast commune map: a small Streamlit component (issue #12 §1).

The geometry of the pack is written once under ``static/geo/`` with a content-hashed name
(:func:`carnet.maps.fast.write_geometry`) and fetched by the browser once; each rerun sends
only :func:`carnet.maps.fast.values_payload` (classes, colours, legend, selection), and the
component (``carnet/ui/frontend/fastmap/index.html``, Leaflet from ``static/vendor``)
restyles its layer without remounting. On by default; ``CARNET_FAST_MAP=0`` gives the folium
map (:func:`carnet.ui.assets.show_map`) everywhere, which a map with point layers always uses.

AppTest cannot render components: the payload last sent is kept in
``st.session_state[f"{key}__payload"]`` for the tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from carnet.maps.assets import STATIC_DIR, write_hashed
from carnet.maps.atlas import SELECTED_COLOR
from carnet.maps.elements import map_css
from carnet.maps.encoding import DECODER_JS
from carnet.maps.fast import GEO_SUBDIR, write_geometry
from carnet.ui.assets import static_base_url

FRONTEND = Path(__file__).resolve().parent / "frontend" / "fastmap"
_component = components.declare_component("carnet_fastmap", path=str(FRONTEND))


def enabled() -> bool:
    """Whether the fast map is switched on (default; ``CARNET_FAST_MAP=0`` switches it off)."""
    return os.environ.get("CARNET_FAST_MAP", "1") != "0"


def _write_hashed(stem: str, suffix: str, text: str) -> str:
    """Write ``text`` once as ``static/geo/<stem>-<sha256:16><suffix>``; its name under static/."""
    return write_hashed(STATIC_DIR, GEO_SUBDIR, stem, suffix, text)


@st.cache_resource(show_spinner=False)
def shared_files() -> tuple[str, str]:
    """Write (once per process) the maps' stylesheet and the ring decoder (the atlas maps'
    own, :data:`carnet.maps.encoding.DECODER_JS`); their names under static/."""
    return (_write_hashed("carnet-map", ".css", map_css()),
            _write_hashed("carnet-decoder", ".js", DECODER_JS))


@st.cache_resource(show_spinner=False)
def _static_files(pack_id: str, cache_dir: str, detail: str) -> tuple[str, str, str]:
    """Write (once per process) the geometry file; its name, the stylesheet's and the
    decoder's under static/."""
    from carnet.ui.data import load

    return (write_geometry(load(pack_id, cache_dir), detail, STATIC_DIR), *shared_files())


def show_fast_map(pack_id: str, cache_dir: str, payload: dict, *, key: str, detail: str,
                  height: int = 600) -> str | None:
    """Draw the fast map with ``payload`` and return the last commune clicked (or None)."""
    geo, css, decoder = _static_files(pack_id, cache_dir, detail)
    base = static_base_url().removesuffix("/vendor")
    args = {**payload, "geo": f"{base}/{geo}", "css": f"{base}/{css}", "decoder": f"{base}/{decoder}",
            "vendor": static_base_url(), "selected_color": SELECTED_COLOR}
    st.session_state[f"{key}__payload"] = args
    value = _component(map=args, height=height, key=key, default=None)
    state_key = f"{key}__commune"
    if isinstance(value, dict) and value.get("code"):
        st.session_state[state_key] = str(value["code"])
    return st.session_state.get(state_key)
