"""Territoire: the carnet of one contract territory."""

import streamlit as st

from carnet import fiches, summary
from carnet.maps.thematic import scheme_labels
from carnet.ui import carnets, cartes, charts, components, data, nav, rapport, state

p = data.pack()
components.page_style()
terr = fiches.territory_options(p)
tid = state.get("territoire", terr, next(iter(terr)))
t = p.config.territoire(tid)

st.title(terr[tid])
epcis = fiches.units(p, "epci")
epci_list = (f" · EPCI ({fiches.reference_cog(p)}) : {', '.join(epcis.get(e, e) for e in t.epcis)}"
             if t.epcis else "")
st.caption(f"{data.territory_word(p)} {p.config.ensemble.titre_de} {p.config.titre} · "
           f"{fiches.communes_count(p, fiches.territory_communes(p, tid)['code'])}{epci_list}")
rapport.pdf_button(p, tid)  # « Carnet PDF » (A4, made on press)

st.subheader("Chiffres clés")
others = f"autres {data.territory_word(p, plural=True, lower=True)}"
st.caption(f"Chaque valeur est comparée {p.config.ensemble.au} et à l'étendue (minimum – maximum) "
           f"des {len(terr) - 1} {others}.")
components.key_figure_cards(fiches.key_figures(p, "territoire", tid), reference_name=p.config.titre,
                            others_label=others.capitalize())

brief = summary.summary_markdown(summary.territory_summary(p, tid))
if brief.strip():  # latest vintages (Somme: RP 2021, Filosofi 2019); none without the indicators
    st.subheader("En bref")
    st.markdown(brief)

@st.fragment
def map_and_charts():
    """The map, its pickers and the charts: an indicator change reruns only this part."""
    st.subheader("Carte des communes")
    inds = components.indicator_choices(p)
    c1, c2 = st.columns([3, 2])
    with c1:
        iid = state.select("Indicateur", "indicateur", inds,
                           default=fiches.default_indicator(p, inds, "carte"))
    with c2:
        scheme = state.select("Classes", "classes", scheme_labels(), default="quantiles",
                              widget=st.radio, horizontal=True)
    overlays = state.multiselect("Couches", "carte", cartes.overlay_choices(p.id, tid), default=["epci"],
                                 placeholder="Ajouter des couches")
    ind = p.indicator(iid)
    code = state.get("commune")
    map_key = f"carte_territoire_{tid}"
    clicked = cartes.show_commune_map(p.id, data.cache_key(), tid, iid, scheme, tuple(overlays), code,
                                      key=map_key, title=f"{terr[tid]} — {ind.label}")
    components.sources_caption([fiches.source_label(ind)] + [fiches.layer_source(lid) for lid in overlays
                                                             if lid in p.layer_ids]
                               + cartes.overlay_sources(overlays))
    if state.new_click(map_key, clicked) and clicked in set(p.table("commune")["code"]):
        state.put("commune", fiches.picked_commune(p, clicked, iid))  # a merged commune's polygon: its fiche
        st.rerun(scope="fragment")  # redraw the map with the clicked commune outlined
    info = fiches.commune_info(p, code) if code else None
    if info is not None and info.territoire == tid:
        nom, val = fiches.selection_text(p, code, iid)
        st.info(f"Commune sélectionnée : **{nom}** ({info.code}) — {ind.label} : {val}",
                icon=":material/place:")
        st.page_link(nav.COMMUNE, label=f"Ouvrir la fiche de {info.nom}", icon=":material/arrow_forward:",
                     query_params=state.link_params(commune=code))
    else:
        st.caption("Cliquez sur une commune de la carte pour la sélectionner et ouvrir sa fiche.")

    st.subheader("Graphiques")
    tabs = st.tabs(["Classement des communes", "Comparaison des territoires",
                    "Évolution de la population"], key="w_graphique", on_change="rerun")
    for tab, draw in zip(tabs, (ranking_tab, comparison_tab, population_tab), strict=True):
        with tab:
            if tab.open:  # lazy tabs: only the open one is computed and sent
                draw(iid, ind, code)


def ranking_tab(iid, ind, code):
    rank = charts.ranking(p.id, data.cache_key(), tid, iid)
    n_pub = int(rank["valeur"].notna().sum())
    st.markdown(f"**{ind.label}** : les {min(25, n_pub)} premières communes sur {n_pub} "
                f"où la valeur est publiée.")
    charts.show_ranking(p.id, data.cache_key(), tid, iid, code)
    rows = st.expander("Toutes les communes", key="w_toutes_communes", on_change="rerun")
    if rows.open:  # the whole table is sent only when asked for
        rows.dataframe(rank[["rang", "nom", "epci_nom", "texte"]].rename(
            columns={"rang": "Rang", "nom": "Commune", "epci_nom": "EPCI", "texte": ind.label}),
            hide_index=True, width="stretch")
    components.sources_caption([fiches.source_label(ind)])


def comparison_tab(iid, ind, code):
    if ind.aggregable:
        charts.show(charts.territories_spec(p.id, data.cache_key(), iid, tid))
    else:
        st.info(f"Les sources du Carnet ne donnent « {ind.label} » qu'à l'échelle des communes, et une "
                "médiane ou un taux de pauvreté ne s'additionne pas : le Carnet n'a donc pas de valeur par "
                "territoire.")
    components.sources_caption([fiches.source_label(ind)])


def population_tab(iid, ind, code):
    indexed = st.toggle(f"Comparer {p.config.ensemble.au} (base 100 en 2011)", value=True)
    charts.show(charts.population_spec(p.id, data.cache_key(), tid, indexed))
    components.sources_caption(fiches.sources_footer(p, fiches.population_ids(p)))


map_and_charts()
carnets.carnet_sections(p, tid)  # Histoire et patrimoine, Culture, Environnement et paysage

components.perimeter_note(p.config.perimetre.get("note", ""), data.territory_word(p, plural=True, lower=True))
