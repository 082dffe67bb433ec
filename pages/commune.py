"""Commune: the fiche of one commune, found by search or by a click on a map."""

import streamlit as st

from carnet import fiches
from carnet.ui import cartes, components, data, nav, state
from carnet.ui.assets import show_map
from carnet.ui.plain import md

p = data.pack()
components.page_style()
terr = fiches.territory_options(p)
tid = state.get("territoire", terr, next(iter(terr)))

st.title("Fiche commune")
asked = state.get("commune")
if asked is not None and fiches.commune_info(p, asked) is None:  # a mistyped or stale link
    shown = asked if len(asked) <= 40 else asked[:40] + "…"  # from the URL: text, and short
    st.error(f"Commune inconnue : « {md(shown)} » n'est le code INSEE d'aucune commune du "
             f"{p.config.titre}. Cherchez-la ci-dessous par son nom ou son code.",
             icon=":material/error:")
    state.put("commune", None)
query = st.text_input("Rechercher une commune (nom ou code INSEE)", key="recherche_commune",
                      placeholder=p.atlas.search_example)
options, chosen = fiches.commune_choices(p, query, tid, state.get("commune"))
if chosen is None:
    st.warning(f"Aucune commune ne correspond à « {md(query)} ».")  # typed text: shown as typed
    st.stop()
if chosen != state.get("commune"):
    state.put("commune", chosen)
label = "Résultats de la recherche" if query.strip() else f"Communes du territoire {terr[tid]}"
code = state.select(label, "commune", options, default=chosen)
info = fiches.commune_info(p, code)
if info.territoire != tid:  # a commune from a link, a search or a map: its territory follows
    state.put("territoire", info.territoire)
    st.rerun()

st.header(f"{info.nom} ({info.code})")
where = f"EPCI : **{info.epci_nom}** · {data.territory_word(p)} : **{info.territoire_nom}**"
if not data.territory_is_arrondissement(p):
    where += f" · Arrondissement : {info.arrondissement_nom}"
st.markdown(where)
if info.note:
    st.warning(f"Fusion de communes : {info.note}", icon=":material/merge:")
for key, nom in info.anciennes:  # a merged commune: the fiches of its former communes
    st.page_link(nav.COMMUNE, label=f"Fiche de l'ancienne commune {nom} ({key})", icon=":material/history:",
                 query_params=state.link_params(commune=key))
if info.nouvelle:  # a former commune: the fiche of the merged commune
    st.page_link(nav.COMMUNE, label=f"Fiche de la commune nouvelle {info.nouvelle[1]}",
                 icon=":material/merge:", query_params=state.link_params(commune=info.nouvelle[0]))
st.page_link(nav.TERRITOIRE, label=f"Voir le carnet du territoire {info.territoire_nom}",
             icon=":material/arrow_forward:", query_params=state.link_params(territoire=info.territoire))

st.subheader("Indicateurs comparés")
st.caption(f"La commune face à son EPCI, à son {data.territory_word(p, lower=True)} "
           f"et {p.config.ensemble.au}. "
           "« non agrégeable » : une médiane ou un taux de pauvreté ne s'additionne pas entre communes.")
components.profile_table(fiches.commune_profile(p, code), headers={"Territoire": data.territory_word(p)})
components.sources_caption(fiches.sources_footer(p, fiches.fiche_ids(p)))

left, right = st.columns([1, 1], gap="large")
with left:
    st.subheader("Situation")
    # The indicator of the URL (chosen on the Territoire page) colours the map; population otherwise.
    pop = state.get("indicateur", p.indicators, fiches.default_indicator(p, p.indicators, "carte_commune"))
    clicked = show_map(cartes.locator_map(p.id, data.cache_key(), code, pop), key="carte_commune",
                       height=540, title=f"{info.nom} — {p.indicator(pop).label}")
    st.caption(f"Communes du territoire colorées selon « {p.indicator(pop).label} » "
               f"({fiches.source_short(p.indicator(pop))}) ; la commune choisie est entourée. "
               "Cliquez une autre commune pour ouvrir sa fiche.")
    picked = fiches.picked_commune(p, clicked, pop) if clicked else None  # L'Orée de Mormal, not Amfroipret
    if state.new_click("carte_commune", clicked) and picked != code and fiches.commune_info(p, picked):
        state.put("commune", picked)
        st.rerun()
with right:
    st.subheader("Équipements et patrimoine")
    facilities = fiches.commune_facilities(p, code)
    if not facilities:
        st.info("Aucun monument historique, musée de France, gare ni collège recensé dans cette commune.")
    else:
        tabs = st.tabs([f"{name} ({len(df)})" for name, df in facilities.items()])
        for tab, df in zip(tabs, facilities.values(), strict=True):
            with tab:
                st.dataframe(df, hide_index=True, width="stretch")
        lids = [lid for lid in p.layer_ids if lid != "pnr"]
        components.sources_caption([fiches.layer_source(lid) for lid in lids])
