"""Accueil: the département, its contract territories and how to use the atlas."""

import streamlit as st

from carnet import fiches
from carnet.ui import cartes, components, data, nav, state
from carnet.ui.assets import show_map

p = data.pack()
components.page_style()
terr = fiches.territory_options(p)

st.title(f"Carnet de Territoire — {p.config.titre}")
st.markdown(
    f"Un atlas des **{len(terr)} {data.territory_word(p, plural=True, lower=True)}** "
    f"{p.config.ensemble.titre_de} {p.config.titre} "
    f"et de leurs "
    f"{fiches.communes_count(p)}, à partir de données publiques ouvertes."
)

st.subheader(f"{p.config.ensemble.le.capitalize()} en chiffres")
components.key_figure_cards(fiches.key_figures(p, "departement", p.config.dep), compare=False)

st.subheader(f"Les {data.territory_word(p, plural=True, lower=True)}")
left, right = st.columns([5, 2], gap="large")
with left:
    inds = components.indicator_choices(p, aggregable_only=True)
    iid = state.select("Couleur de la carte", "indicateur", inds,
                       default=fiches.default_indicator(p, inds, "carte"),
                       key="w_indicateur_accueil")
    m = cartes.territories_map(p.id, data.cache_key(), iid)
    clicked = show_map(m, key="carte_accueil", height=620,
                       title=f"{p.config.titre} — {p.indicator(iid).label}")
    components.sources_caption([fiches.source_label(p.indicator(iid))])
    if state.new_click("carte_accueil", clicked) and clicked in terr:
        state.put("territoire", clicked)
        st.switch_page(nav.TERRITOIRE, query_params=state.link_params(territoire=clicked))
with right:
    st.markdown("**Ouvrir le carnet d'un territoire**")
    st.caption(f"Cliquez sur un {data.territory_word(p, lower=True)} de la carte, ou choisissez-le ici.")
    for code, nom in terr.items():
        with st.container(border=True):
            st.page_link(nav.TERRITOIRE, label=nom, icon=":material/arrow_forward:",
                         query_params=state.link_params(territoire=code))

if p.config.multi:  # a region: its ~3 800 communes, the EPCI in their place at the region's zoom
    st.subheader(f"Les communes {p.config.ensemble.du}")
    st.caption("Vue d'ensemble : les EPCI, colorés par leur propre valeur (rapport des sommes sur leurs "
               "communes) ; zoomez pour voir les communes. Cliquez une commune pour ouvrir sa fiche.")
    m = cartes.region_map(p.id, data.cache_key(), iid)
    picked = show_map(m, key="carte_region", height=620, title=f"{p.config.titre} — {p.indicator(iid).label}")
    components.sources_caption([fiches.source_label(p.indicator(iid))])
    if state.new_click("carte_region", picked) and picked in set(p.table("commune")["code"]):
        state.put("commune", picked)
        st.switch_page(nav.COMMUNE, query_params=state.link_params(commune=picked))

st.subheader("Comment utiliser le Carnet")
st.markdown(
    f"""
1. **Choisissez un territoire** sur la carte, dans les liens ci-dessus ou dans le menu de gauche.
2. **Territoire** : chiffres clés comparés {p.config.ensemble.au}, résumé, carte des communes (indicateur
   et classes au choix, couches d'équipements), classements et évolution de la population.
3. **Commune** : cherchez une commune par son nom ou son code INSEE, ou cliquez-la sur une carte.
4. **Comparer** : mettez côte à côte des territoires ou des EPCI et téléchargez le tableau (CSV, XLSX).
5. **Sources et méthodes** : producteurs, licences, millésimes, définitions et règles de calcul.

L'adresse de chaque page garde la vue affichée : copiez-la pour partager exactement ce que vous voyez.
Une valeur « non publié » relève du secret statistique ou d'une absence dans la source ; elle n'est
jamais remplacée par zéro.
"""
)
components.perimeter_note(p.config.perimetre.get("note", ""), data.territory_word(p, plural=True, lower=True))
