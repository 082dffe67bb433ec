"""« Besoins et projets », the needs-vs-projects section of the Évaluation page (issue #10 §3).

:func:`render_besoins` draws it: the choice of indicators and reference communes, the method
in words (:func:`carnet.contrat.besoins.method_text`, built from the constants the
computation uses), the bivariate map with the projects on it, the scatter, the quadrants,
the ranked table with its CSV downloads and the sensitivity of the top communes. The
computation is :mod:`carnet.contrat.besoins`; every data string reaches the page as plain
text (``st.dataframe``, :func:`carnet.ui.plain.table`, :func:`carnet.ui.plain.md`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carnet.contrat import besoins as b
from carnet.ui.plain import md, table

KEY = "besoins"
REFERENCE_LABELS = {"territoire": "Communes du territoire", "pack": "Toutes les communes du pack"}


def _territoire_id(territoire) -> str | None:
    if territoire is None or isinstance(territoire, str):
        return territoire or None
    return getattr(territoire, "id", None)


def _projects(pack) -> tuple[pd.DataFrame, object]:
    """The registry's projects of the pack (enriched with commune names), or an empty frame."""
    from carnet.projets.views import enrich
    from carnet.ui.projets import repository

    repo = repository()
    if repo is None:
        return pd.DataFrame(), None
    df = repo.dataframe(pack=pack.id)
    return enrich(df, repo.ctx), repo


@st.cache_data(show_spinner="Calcul du score de besoin…", max_entries=32)
def analysed(pack_id: str, pack_path: str, tid: str | None, iids: tuple[str, ...], reference: str,
             projects: pd.DataFrame, _pack) -> b.Besoins:
    """:func:`carnet.contrat.besoins.analyse_pack`, cached on the pack (id and cache folder),
    the choices and the projects frame (hashed by value: a registry change recomputes)."""
    return b.analyse_pack(_pack, projects, tid, list(iids), reference)


def choices(pack, key: str = KEY) -> tuple[list[str], str]:
    """The indicator and reference pickers; returns (indicator ids, reference)."""
    from carnet.ui.components import indicator_choices

    options = {i: pack.indicator(i).label for i in indicator_choices(pack)}
    default = b.default_indicators(pack.indicators)
    iids = st.multiselect("Indicateurs du score de besoin", list(options), default=default,
                          format_func=options.get, key=f"{key}_indicateurs",
                          placeholder="Choisir…",
                          help="Par défaut : chômage des 15-64 ans, revenu médian, taux de "
                               "pauvreté, part des 75 ans ou plus et évolution de la population, "
                               "au dernier millésime du carnet.")
    reference = st.radio("Communes de référence", list(REFERENCE_LABELS), horizontal=True,
                         format_func=REFERENCE_LABELS.get, key=f"{key}_reference",
                         help="Les moyennes, écarts-types et médianes sont calculés sur ces "
                              "communes ; le classement porte sur les communes du territoire.")
    missing = b.missing_defaults(pack.indicators)
    if missing:
        st.caption("Indicateurs par défaut absents de ce carnet : " + md(", ".join(missing)) + ".")
    return list(iids), reference


def render_besoins(pack, territoire, *, key: str = KEY) -> None:
    """Draw the « Besoins et projets » section for ``territoire`` (an id, a
    :class:`carnet.config.Territoire`, or None for every commune of the pack)."""
    from carnet.export import csv_bytes
    from carnet.maps.bivariate import besoins_map
    from carnet.ui.assets import show_map, static_base_url

    tid = _territoire_id(territoire)
    st.subheader("Besoins et projets")
    iids, reference = choices(pack, key)
    if not iids:
        st.info("Choisissez au moins un indicateur pour calculer le score de besoin.")
        return
    projects, _ = _projects(pack)
    result = analysed(pack.id, str(pack.path), tid, tuple(iids), reference, projects, pack)
    listed = set(result.table["code"])

    with st.expander("Méthode (ce que le calcul fait, dans cet ordre)", expanded=True):
        st.markdown("\n".join(f"{i}. {item}" for i, item in
                              enumerate(b.method_text(pack, result, projects=projects), 1)))
        table(b.indicators_table(result, pack),
              header=["Indicateur", "Sens du besoin", "Moyenne", "Écart-type (ddof = 0)",
                      "Communes publiées", "Source"], row_headers=False)
    shown = projects
    if len(projects):
        shown = projects[projects["commune"].isin(listed)
                         & (projects["statut"].fillna("") != b.EXCLUDED_STATUS)]
        n_ill = int(shown["illustratif"].sum()) if "illustratif" in shown else 0
        if n_ill:
            st.warning(f"{n_ill} des {len(shown)} projets comptés sont **illustratifs** (projets "
                       "fictifs de démonstration) : le rapprochement besoins / projets n'a alors "
                       "pas de valeur d'évaluation.", icon=":material/science:")
    else:
        st.info("Aucun projet dans le registre pour ce carnet : toutes les communes ont 0 projet.")

    counts = result.table["quadrant"].value_counts()
    cols = st.columns(4)
    for col, q in zip(cols, b.QUADRANTS[:4], strict=True):
        col.metric(q[0].upper() + q[1:], f"{int(counts.get(q, 0))} communes")
    if counts.get(b.UNCLASSED, 0):
        st.caption(f"{int(counts[b.UNCLASSED])} commune(s) non classée(s) : score non calculable "
                   "ou population non publiée.")

    st.markdown("**Carte : besoin × projets**")
    m = besoins_map(pack, result, tid, shown if len(shown) else None, base_url=static_base_url())
    show_map(m, key=f"{key}_carte", height=560)

    st.markdown("**Score de besoin et projets pour 10\u202f000 habitants**")
    st.altair_chart(b.scatter_chart(result), use_container_width=True)
    st.caption("Lignes pointillées : médianes des communes de référence. Sources : "
               + md(" ; ".join(dict.fromkeys(
                   f"{pack.indicator(i).label} ({pack.indicator(i).vintage})"
                   for i in result.indicators))) + " ; registre des projets.")

    st.markdown("**Classement** (« " + b.HIGH_FEW + " » d'abord, puis par rang)")
    st.dataframe(b.display_table(result, pack), hide_index=True, use_container_width=True)
    export = b.export_table(result, pack)
    stem = f"besoins-{tid or pack.id}-{reference}"
    c1, c2 = st.columns(2)
    c1.download_button("Télécharger le classement (CSV pour tableur)",
                       csv_bytes(export, "csv-tableur"), file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}_csv", icon=":material/download:",
                       help="Séparateur « ; », virgule décimale, UTF-8 avec BOM ; valeurs non "
                            "arrondies, une ligne par commune, par rang.")
    c2.download_button("CSV pour programmes", csv_bytes(export, "csv"),
                       file_name=f"{stem}-programmes.csv", mime="text/csv", key=f"{key}_csv_prog",
                       icon=":material/download:",
                       help="Séparateur « , », point décimal, UTF-8 sans BOM.")

    st.markdown(f"**Sensibilité** : des {result.top} premières communes, combien le restent "
                "quand on retire un indicateur")
    table(b.sensitivity_table(result, pack), header=["Indicateur retiré", "Restent dans le top"],
          row_headers=False)
