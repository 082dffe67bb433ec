"""Comparer: territories or EPCI side by side, with downloads."""

import streamlit as st

from carnet import charts, fiches
from carnet.ui import components, data, state

p = data.pack()
components.page_style()
st.title("Comparer")
words = data.territory_word(p, plural=True)
st.caption(f"Mettez côte à côte des {words.lower()} ou des EPCI, sur les indicateurs de votre choix.")

levels = {"territoire": words, "epci": "EPCI"}
# One row each, full width: in a column beside the radio, the multiselect cut its chips
# ("Sambre-Av…") on a 1024 px projector instead of wrapping them.
# Another level: its own default units (the codes of one level mean nothing at the other,
# and an emptied list must not leave the other level's selector empty).
level = state.select("Échelle", "niveau", levels, default="territoire", widget=st.radio,
                     horizontal=True, after=lambda _: state.put("unites", None))
units = fiches.units(p, level)
default_units = list(units) if level == "territoire" else [
    e for t in p.territoires if t.id == state.get("territoire") for e in t.epcis]
codes = state.multiselect(levels[level], "unites", units, default=default_units or list(units)[:4],
                          key=f"w_unites_{level}", placeholder=f"Choisir des {levels[level].lower()}…")
inds = components.indicator_choices(p, aggregable_only=True)
preset = [i for i in fiches.atlas_ids(p, "comparaison") if i in inds]
ids = state.multiselect("Indicateurs", "indicateurs", inds, default=preset or list(inds)[:4],
                        placeholder="Choisir des indicateurs…")
if not codes or not ids:
    st.info("Choisissez au moins une unité et un indicateur.")
    st.stop()

st.subheader("Tableau")
# A plain table, not st.dataframe: its headers wrap, so the comparison fits a 1024 px projector
# without sideways scrolling (the grid cut "Taux de chômage des 15-64 ans 2022" to one line).
components.compare_table(fiches.compare_display(p, level, codes, ids), values=len(ids))
components.sources_caption(fiches.sources_footer(p, ids))
components.downloads(fiches.compare_export(p, level, codes, ids), stem=f"carnet-comparaison-{level}",
                     key="comparer", sources=fiches.export_sources(p, ids),
                     unrounded=fiches.compare_export(p, level, codes, ids, rounded=False))

st.subheader("Graphique")
chart_options = {i: inds[i] for i in ids}
iid = st.selectbox("Indicateur du graphique", list(chart_options), format_func=chart_options.get)
ind = p.indicator(iid)
st.altair_chart(charts.compare_chart(fiches.compare_long(p, level, codes, iid), ind.label, ind.unit),
                width="stretch")
components.sources_caption([fiches.source_label(ind)])
