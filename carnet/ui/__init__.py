"""Streamlit glue of the atlas: URL state, cached data and maps, shared widgets.

The only part of ``carnet`` that imports streamlit.

Importing this package also guards the router. The page files live in ``pages/``,
which Streamlit's legacy multipage mode auto-discovers: until some session has run
``app.py`` (whose ``st.navigation`` turns that mode off for the whole server), a
permalink such as ``/commune?commune=59350`` opened first after a server start would
run ``pages/commune.py`` alone, without the frame of ``app.py``. The guard below turns
the legacy mode off and reruns, so ``app.py`` routes to the same page (same URL path).
It runs on the first import of this package and on every :func:`carnet.ui.data.pack` call
(the first line of every atlas page).
"""


def leave_legacy_pages_mode() -> None:
    """If Streamlit runs a page of ``pages/`` without ``app.py``, rerun through ``app.py``."""
    try:
        import streamlit as st
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - internals moved: nothing to guard
        return
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


leave_legacy_pages_mode()
