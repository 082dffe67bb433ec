"""Carnet de Territoire — entry point: page frame, navigation, shared territory picker.

Run with ``streamlit run app.py``. Every view is kept in the URL (see carnet.ui.state).
"""

from pathlib import Path

import streamlit as st

from carnet.fiches import open_data_credit, territory_options
from carnet.ui import auth, data, nav, state
from carnet.ui.data import ALL_TERRITORIES, all_territories_label
from carnet.ui.guard import page_guard
from carnet.ui.icon import favicon

HERE = Path(__file__).parent

st.set_page_config(page_title=f"Carnet de Territoire — {data.pack_id().title()}", page_icon=favicon(),
                   layout="wide")

pages = [
    st.Page(nav.ACCUEIL, title="Accueil", icon=":material/home:", default=True),
    st.Page(nav.TERRITOIRE, title="Territoire", icon=":material/map:", url_path="territoire"),
    st.Page(nav.COMMUNE, title="Commune", icon=":material/location_city:", url_path="commune"),
    st.Page(nav.COMPARER, title="Comparer", icon=":material/bar_chart:", url_path="comparer"),
]
if (HERE / nav.PLAN_ACTIONS).exists():
    pages.append(st.Page(nav.PLAN_ACTIONS, title="Plan d'actions", icon=":material/checklist:",
                         url_path="plan_actions"))
pages.append(st.Page(nav.CONTRAT, title="Contrat", icon=":material/handshake:", url_path="contrat"))
pages.append(st.Page(nav.EVALUATION, title="Évaluation", icon=":material/fact_check:", url_path="evaluation"))
pages.append(st.Page(nav.PRESENTATION, title="Présentation", icon=":material/slideshow:",
                     url_path="presentation"))
pages.append(st.Page(nav.ATELIER, title="Atelier", icon=":material/forum:", url_path="atelier"))
pages.append(st.Page(nav.MODERATION, title="Modération", icon=":material/rule:",
                     url_path="moderation"))
pages.append(st.Page(nav.SOURCES, title="Sources et méthodes", icon=":material/menu_book:",
                     url_path="sources"))
page = st.navigation(pages)

with page_guard():  # a French message instead of a traceback (carnet.ui.guard)
    pack = data.ensure_pack()
    if pack is None:
        st.stop()
    state.sync()

    with st.sidebar:
        st.markdown(f"### Carnet de Territoire\n{pack.config.titre}")
        auth.account_box()  # on every page; a login survives reloads (see carnet/ui/auth.py)
        options = territory_options(pack)
        default = next(iter(options))
        aide = "Le territoire choisi est gardé d'une page à l'autre et dans l'adresse de la page."
        if page.url_path == "plan_actions":  # the registry spans every contract: so may the choice
            options, default = {ALL_TERRITORIES: all_territories_label(pack), **options}, ALL_TERRITORIES
            aide += " Sur le plan d'actions, « Tous » montre les projets de tous les contrats."

        def _forget_commune_elsewhere(tid: str) -> None:
            if pack.territoire_of(state.get("commune") or "") != tid:
                state.put("commune", None)

        state.select(data.territory_word(pack), "territoire", options, default=default,
                     after=_forget_commune_elsewhere, help=aide)
        st.caption("L'adresse de la page garde la vue affichée : copiez-la pour la partager.")
        st.caption(f"{open_data_credit(pack)} Détail dans « Sources et méthodes ».")

    page.run()
