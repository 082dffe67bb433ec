"""The dashboard tab: counts and amounts by status, orientation and category."""

from __future__ import annotations

import streamlit as st

from carnet.formatting import fmt_int, fmt_number, fmt_percent
from carnet.projets.views import NON_RENSEIGNE


def dashboard_section(d: dict, totals: dict, names: dict[str, str] | None = None) -> None:
    """Counts, budgets, engaged share, and the contract's published totals (French formats).

    Nothing entered reads « non renseigné » (never ``0 €`` or ``0,0 %``); a sum over some
    projects only says over how many; amounts to 3 significant digits (``1,25 M€``).
    """
    from carnet.projets.views import fmt_euros, fmt_meuros

    names = names or {}
    missing = NON_RENSEIGNE.lower()
    n = d["total"]
    c = st.columns(4)
    c[0].metric("Projets (filtre)", fmt_int(n))
    if d.get("statut_renseigne", n):
        c[1].metric("Engagés", fmt_int(d["engages"]), help="Statut engagé, en cours ou réalisé.")
        share = f"soit {fmt_percent(100 * d['part_engagee'])} des projets du filtre"
        unknown = n - d.get("statut_renseigne", n)
        c[1].caption(share + (f" ({fmt_int(unknown)} sans statut)" if unknown else ""))
    else:
        c[1].metric("Engagés", missing, help="Aucun projet du filtre n'a de statut renseigné.")
    for col, label, key, count in ((c[2], "Coût total", "cout_total", "cout_renseigne"),
                                   (c[3], "Participation du Département", "participation_cd",
                                    "participation_renseignee")):
        value = d[key]
        col.metric(label, fmt_meuros(value, missing=missing),
                   help=None if value is None else f"Montant exact : {fmt_euros(value)}.")
        known = d.get(count, n)
        if value is not None and known < n:
            col.caption(f"sur les {fmt_number(known, 0)} projets où il est renseigné (sur {fmt_int(n)})")
    for cid, t in totals.items():
        st.info(f"Totaux publiés du contrat {names.get(cid, cid)} (document fondateur) : "
                f"{t['projets']} projets inscrits, dont {t['engages']} engagés et "
                f"{t['maitrises_ouvrage_departementales']} grandes maîtrises d'ouvrage "
                "départementales. Ces totaux sont cités tels quels ; seuls quelques projets "
                "sont nommés dans le document.", icon=":material/description:")
    for key in ("par_statut", "par_orientation", "par_categorie"):
        table = d[key].copy()
        for col in ("Coût total (€)", "Participation du Département (€)"):
            table[col] = table[col].map(lambda v: fmt_euros(v, missing=missing)).astype(object)
        table["Projets"] = table["Projets"].map(fmt_int)
        st.dataframe(table.rename(columns={"Coût total (€)": "Coût total",
                                           "Participation du Département (€)":
                                           "Participation du Département"}), width="stretch")
