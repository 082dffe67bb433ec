"""Contrat: the contract of one territory — its phases, its governance, its Cadre d'Action
Stratégique (enjeux → orientations → projets) with progress computed from the projects."""

import streamlit as st

from carnet import fiches
from carnet.ui import components, data, state
from carnet.ui import projets as ui_projets
from carnet.ui.contrat import data as contrat_data
from carnet.ui.contrat import edition, vue
from carnet.ui.plain import md

p = data.pack()
components.page_style()
terr = fiches.territory_options(p)
tid = state.get("territoire", terr, next(iter(terr)))
contrat = contrat_data.load(p.id, tid)
today = contrat_data.today()

if contrat is None:
    st.title(f"Contrat — {terr[tid]}")
    vue.aucun_contrat(p.id, tid, terr[tid],
                      {t: terr[t] for t in contrat_data.declared(p.id) if t in terr},
                      word=data.territory_word(p, lower=True))
    st.stop()

st.title(contrat.titre)
vue.entete(contrat, today)
user, role = ui_projets.current_user()
tabs = ["Étapes", "Gouvernance", "Cadre d'Action Stratégique"]
can_edit = ui_projets.roles.can(role, "edit")
tab_phases, tab_gov, tab_cas, *tab_edit = st.tabs(tabs + (["Modifier"] if can_edit else []))
with tab_phases:
    vue.calendrier(contrat, today)
with tab_gov:
    vue.gouvernance(contrat)
with tab_cas:
    vue.cadre(contrat, contrat_data.projects(p.id, tid), today)
if can_edit:
    with tab_edit[0]:
        edition.editeur(contrat, user, role)
else:
    st.caption(md("Lecture seule : connectez-vous avec un compte éditeur (barre latérale) pour "
                  "modifier les phases, les instances, les réunions et les enjeux."))
