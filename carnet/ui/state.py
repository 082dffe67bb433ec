"""View state kept in the URL (``st.query_params``) so that any view is a permalink.

Streamlit clears the query string when the user switches page; :func:`sync`, called by
``app.py`` at every run, copies the URL into the session and writes it back after a
page switch. Widgets bound with :func:`select` / :func:`multiselect` read their value
from that state and write it on change.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

# Every URL parameter of the atlas.
PARAMS = ("territoire", "indicateur", "classes", "commune", "niveau", "unites", "indicateurs", "carte")
_PREFIX = "_url_"
SEP = ","


def sync() -> None:
    """URL → session for parameters present in the URL; session → URL for the others."""
    sync_page(PARAMS)


def sync_page(names) -> None:
    """:func:`sync` for the parameters ``names`` (the atlas's, or one page's: the Plan d'actions filters).

    Kept in the session when the user visits another page (whose URL does not carry
    them) and written back to the URL when the user comes back.
    """
    qp = st.query_params
    for name in names:
        if name in qp:
            st.session_state[_PREFIX + name] = qp[name]
        elif _PREFIX + name in st.session_state:
            qp[name] = st.session_state[_PREFIX + name]


def explicit(name: str) -> bool:
    """Whether parameter ``name`` was set (by the user, a link or the URL), not defaulted."""
    return _PREFIX + name in st.session_state or name in st.query_params


def bound(widget, label: str, name: str, default, *, parse, dump, key: str | None = None, **kwargs):
    """Any widget (text_input, slider, toggle…) bound to URL parameter ``name``.

    ``parse(text)`` turns the URL text into the widget's value (raising ValueError or
    returning None for a bad value, which gives ``default``); ``dump(value)`` turns it
    back into text, or None to remove the parameter (the default needs no parameter).
    """
    wkey = key or f"w_{name}"
    raw = get(name)
    try:
        current = default if raw is None else parse(raw)
    except (ValueError, TypeError):
        current = None
    if current is None:
        current = default
    _bind(wkey, current)

    def _changed():
        v = st.session_state.get(wkey)
        put(name, None if v == default else dump(v))

    widget(label, key=wkey, on_change=_changed, **kwargs)
    return current


def get(name: str, options=None, default: str | None = None) -> str | None:
    """Current value of a parameter; ``default`` if absent or not among ``options``."""
    v = st.session_state.get(_PREFIX + name, st.query_params.get(name))
    if v is None or (options is not None and v not in options):
        return default
    return v


def put(name: str, value: str | None) -> None:
    """Set (or with None, remove) a parameter in the session and the URL."""
    if value is None:
        st.session_state.pop(_PREFIX + name, None)
        if name in st.query_params:
            del st.query_params[name]
        return
    st.session_state[_PREFIX + name] = str(value)
    st.query_params[name] = str(value)


def get_list(name: str, options=None, default=()) -> list[str]:
    """A comma-separated list parameter, filtered on ``options``, each value once.

    ``?indicateurs=pop_2022,pop_2022`` gives ``["pop_2022"]`` (a repeated value made the
    comparison table's columns collide).
    """
    raw = get(name)
    if raw is None:
        return list(default)
    items = [x for x in raw.split(SEP) if x and (options is None or x in options)]
    if raw.strip(SEP) and not items:  # only unknown codes (another level's, a stale link)
        return list(default)
    return list(dict.fromkeys(items))


def put_list(name: str, values) -> None:
    put(name, SEP.join(values))


def _bind(wkey: str, current) -> None:
    """Make the widget show the state's value (set before the widget is created)."""
    if st.session_state.get(wkey) != current:
        st.session_state[wkey] = current


def select(label: str, name: str, options: Mapping[str, str], default: str, *, widget=None,
           key: str | None = None, after=None, **kwargs) -> str:
    """A selectbox (or ``widget``: st.radio…) bound to URL parameter ``name``.

    ``options`` maps stored values to French labels; ``after(value)`` is called when the
    user changes the value. Returns the current value.
    """
    widget = widget or st.selectbox
    current = get(name, options, default)
    wkey = key or f"w_{name}"
    _bind(wkey, current)

    def _changed():
        v = st.session_state.get(wkey)
        put(name, v if v in options else default)
        if after is not None:
            after(get(name))

    widget(label, list(options), format_func=lambda k: options.get(k, k), key=wkey,
           on_change=_changed, **kwargs)
    return current


def multiselect(label: str, name: str, options: Mapping[str, str], default, *, key: str | None = None,
                **kwargs) -> list[str]:
    """A multiselect bound to the comma-separated URL parameter ``name``."""
    current = get_list(name, options, default)
    wkey = key or f"w_{name}"
    _bind(wkey, current)

    def _changed():
        put_list(name, [v for v in st.session_state.get(wkey, []) if v in options])

    st.multiselect(label, list(options), format_func=lambda k: options.get(k, k), key=wkey,
                   on_change=_changed, **kwargs)
    return current


def current() -> dict[str, str]:
    """Every parameter currently set (for links that keep the view)."""
    out = {}
    for name in PARAMS:
        v = get(name)
        if v is not None:
            out[name] = v
    return out


def link_params(**overrides: str) -> dict[str, str]:
    """Query parameters for a page link: the current view with ``overrides``."""
    return {**current(), **overrides}


def new_click(map_key: str, value: str | None) -> bool:
    """Whether ``value`` (a map's last clicked feature) differs from the one already handled."""
    seen_key = f"_seen_{map_key}"
    if value is None or st.session_state.get(seen_key) == value:
        return False
    st.session_state[seen_key] = value
    return True
