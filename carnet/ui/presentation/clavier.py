"""The keyboard bridge of the Présentation page: a small Streamlit component (no request).

``carnet/ui/frontend/diapo/index.html`` (an invisible frame of the app's origin) listens on
the app's document for the keys presentation clickers send (:data:`carnet.recits.diaporama.
KEYS`: arrows, PageUp/PageDown, Space, Home/End) and Escape, and sends back the slide asked
for (``{"diapo": k, "seq": n}``; several quick presses add up, the last number wins) or
``{"action": "sortir"}``, with the window's size (``vw``, ``vh``: the map's height follows
it). Keys typed in a field, a list or a focused map (its own frame) stay there; Space and
Enter on a focused button press that button. One listener at a time: a frame's replaces the
previous one's and is removed with its frame.

AppTest cannot render components: the page's buttons do the same through the same state.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from carnet.recits.diaporama import KEYS

FRONTEND = Path(__file__).resolve().parents[1] / "frontend" / "diapo"
_component = components.declare_component("carnet_diapo_clavier", path=str(FRONTEND))

KEY = "diapo_clavier"
#: Session keys: the window's size last reported, and an Escape waiting to be acted on.
VIEWPORT = "_diapo_fenetre"
LEAVE = "_diapo_sortir"


def viewport() -> tuple[int | None, int | None]:
    """The browser window's (width, height) last reported, (None, None) before any report."""
    return st.session_state.get(VIEWPORT, (None, None))


def bridge(numero: int, total: int, goto) -> None:
    """Mount the bridge for slide ``numero`` of ``total``; ``goto(k)`` turns to slide ``k``.

    Runs ``goto`` (and records the window's size, or an Escape) in the component's change
    callback, before the page's script, as a button's ``on_click`` would.
    """
    def changed():
        value = st.session_state.get(KEY)
        if not isinstance(value, dict):
            return
        try:
            size = (int(value["vw"]), int(value["vh"]))
            if size[0] > 0 and size[1] > 0:
                st.session_state[VIEWPORT] = size
        except (KeyError, TypeError, ValueError):
            pass
        if value.get("action") == "sortir":
            st.session_state[LEAVE] = True
            return
        try:
            k = int(value["diapo"])
        except (KeyError, TypeError, ValueError):
            return
        goto(k)

    vw, vh = viewport()
    with st.container(key=f"{KEY}_boite"):
        _component(numero=numero, total=total, keys=KEYS, vw=vw, vh=vh, key=KEY, default=None,
                   on_change=changed, height=0)


def leave_requested() -> bool:
    """Whether Escape was pressed since the last run (read once)."""
    return bool(st.session_state.pop(LEAVE, False))
