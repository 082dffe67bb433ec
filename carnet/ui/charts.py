"""The Territoire charts, cached as Vega-Lite specs keyed on simple values.

An indicator change reruns the map fragment of Territoire, and its open chart with it.
Building the Altair chart and converting it took about 80 ms of that rerun (py-spy, issue #12
§1), though the chart only depends on the pack, the territoire, the indicateur and the
commune selected. Cached here as the spec :func:`carnet.charts.to_spec` gives, it costs a
pickle copy, and the map's values leave the server sooner.

The communes' ranking, the chart open by default, is plain HTML (:func:`ranking_html`): no
Vega nor Arrow bundle loads before the map on a first visit (cold first paint, issue #12 §1)
and nothing is redrawn by a chart library on each indicator change.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carnet import charts, fiches
from carnet.ui.data import load


@st.cache_data(show_spinner=False, max_entries=256)
def ranking(pack_id: str, cache_dir: str, tid: str, iid: str) -> pd.DataFrame:
    """:func:`carnet.fiches.ranking` of the pack ``pack_id``."""
    return fiches.ranking(load(pack_id, cache_dir), tid, iid)


@st.cache_data(show_spinner=False, max_entries=256)
def ranking_html(pack_id: str, cache_dir: str, tid: str, iid: str, highlight: str | None) -> str:
    """:func:`carnet.charts.ranking_html` of the territoire's communes, ``highlight`` in its colour."""
    ind = load(pack_id, cache_dir).indicator(iid)
    return charts.ranking_html(ranking(pack_id, cache_dir, tid, iid), ind.label, highlight=highlight)


def show_ranking(pack_id: str, cache_dir: str, tid: str, iid: str, highlight: str | None) -> None:
    """Draw :func:`ranking_html` (``st.html``: the page's stylesheet lays it out)."""
    st.html(ranking_html(pack_id, cache_dir, tid, iid, highlight))


@st.cache_data(show_spinner=False, max_entries=64)
def territories_spec(pack_id: str, cache_dir: str, iid: str, highlight: str) -> dict:
    """Spec of :func:`carnet.charts.territories_chart` (every territoire and the whole)."""
    p = load(pack_id, cache_dir)
    ind = p.indicator(iid)
    comp = fiches.territory_comparison(p, iid, highlight=highlight)
    return charts.to_spec(charts.territories_chart(comp, ind.label, ind.unit))


@st.cache_data(show_spinner=False, max_entries=64)
def population_spec(pack_id: str, cache_dir: str, tid: str, indexed: bool) -> dict:
    """Spec of :func:`carnet.charts.population_chart` (the territoire, and the whole if
    ``indexed``)."""
    series = fiches.population_with_reference(load(pack_id, cache_dir), tid, with_departement=indexed)
    return charts.to_spec(charts.population_chart(series, indexed=indexed))


def show(spec: dict) -> None:
    """Draw a cached spec across the column (as ``st.altair_chart(..., width="stretch")``)."""
    st.vega_lite_chart(spec, width="stretch")
