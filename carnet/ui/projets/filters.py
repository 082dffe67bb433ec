"""The sidebar filters of the Plan d'actions, every one kept in the URL."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carnet.projets.constants import (
    CATEGORIES,
    STATUTS,
)
from carnet.projets.orientations import orientations, pack_of
from carnet.projets.views import NON_RENSEIGNE, Filters, choices
from carnet.ui.data import ALL_TERRITORIES
from carnet.ui.projets.words import TOUS


def _options(vocab: dict[str, str]) -> dict[str, str]:
    return {**vocab, NON_RENSEIGNE: NON_RENSEIGNE}


#: URL parameters of the Plan d'actions filters (kept in the address, see carnet.ui.state).
FILTER_PARAMS = ("recherche", "territoires", "epcis", "communes", "orientations", "categories",
                 "statuts", "moa", "annees", "cout_min", "cout_max", "illustratifs")
YEARS = (2000, 2040)


def _int(text: str) -> int:
    return int(str(text).strip())


def _years(text: str) -> tuple[int, int]:
    lo, hi = (int(x) for x in str(text).split("-", 1))
    if not YEARS[0] <= lo <= hi <= YEARS[1]:
        raise ValueError(text)
    return lo, hi


#: Former name of the ``territoires`` filter parameter, still read from old links.
LEGACY_FILTER_PARAMS = {"contrats": "territoires"}


def filters_sidebar(df: pd.DataFrame, territoires: dict[str, str]) -> Filters:
    """Filter widgets (sidebar) → :class:`Filters`; every filter is kept in the URL.

    The contract filter follows the territory chosen in the sidebar: when the user picks
    a territory (or arrives with one in the URL), its contract is selected; the filter
    can then be widened or emptied (« tous les contrats »). Without a territory in the URL
    the sidebar reads « Tous les territoires de contrat » (:data:`ALL_TERRITORIES`), which
    is what the page shows; choosing it again after a territory empties the filter.
    """
    from carnet.ui import state

    qp = st.query_params
    for old, new in LEGACY_FILTER_PARAMS.items():  # a link made before the rename
        if old in qp:
            if new not in qp:
                qp[new] = qp[old]
            del qp[old]
    state.sync_page(FILTER_PARAMS)
    tid = state.get("territoire") if state.explicit("territoire") else None
    seen = st.session_state.get("_pa_territoire")
    if tid in territoires and tid != seen:  # a new territory chosen: it is the filter
        st.session_state["_pa_territoire"] = tid
        if seen is not None or not state.explicit("territoires"):
            state.put_list("territoires", [tid])
    elif tid == ALL_TERRITORIES and seen not in (None, ALL_TERRITORIES):  # « Tous » chosen again
        st.session_state["_pa_territoire"] = tid
        state.put("territoires", None)

    sb = st.sidebar
    sb.header("Filtres")

    def multi(label, name, options: dict[str, str]):
        return state.multiselect(label, name, options, default=[], key=f"pf_{name}", placeholder=TOUS)

    with sb:
        f = Filters(texte=state.bound(st.text_input, "Recherche (titre, description, commune…)",
                                      "recherche", "", parse=str, dump=str, key="pf_q",
                                      placeholder="Mot du titre, commune, maître d'ouvrage…"))
        f.territoires = multi("Contrat de territoire", "territoires", territoires)
        f.epcis = multi("EPCI", "epcis", choices(df, "epci", "epci_nom"))
        f.communes = multi("Commune", "communes", choices(df, "commune", "commune_nom"))
        labels = orientations(pack_of(df)).labels
        if labels:  # a pack without orientations has no such filter
            f.orientations = multi("Orientation", "orientations", _options(labels))
        f.categories = multi("Catégorie", "categories", CATEGORIES)
        f.statuts = multi("Statut", "statuts", _options(STATUTS))
        f.maitre_ouvrage = state.bound(st.text_input, "Maître d'ouvrage contient", "moa", "",
                                       parse=str, dump=str, key="pf_moa",
                                       placeholder="Ex. : Département, commune de…")
        years = state.bound(st.slider, "Années", "annees", YEARS, parse=_years,
                            dump=lambda v: f"{v[0]}-{v[1]}", key="pf_years",
                            min_value=YEARS[0], max_value=YEARS[1])
        f.annee_min, f.annee_max = (None if years[0] == YEARS[0] else years[0],
                                    None if years[1] == YEARS[1] else years[1])
        lo = state.bound(st.number_input, "Coût total minimal (€)", "cout_min", 0, parse=_int,
                         dump=str, key="pf_cout_min", min_value=0, step=10_000)
        hi = state.bound(st.number_input, "Coût total maximal (€, 0 = sans limite)", "cout_max", 0,
                         parse=_int, dump=str, key="pf_cout_max", min_value=0, step=10_000)
        f.budget_min, f.budget_max = (lo or None), (hi or None)
        f.illustratifs = state.bound(st.toggle, "Inclure les projets illustratifs", "illustratifs",
                                     True, parse=lambda t: t != "non",
                                     dump=lambda v: "oui" if v else "non", key="pf_ill")
    return f
