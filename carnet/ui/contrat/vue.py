"""The Contrat page's sections: timeline, governance, Cadre d'Action Stratégique.

Every data string reaches the browser as plain text: ``plain.md`` in Markdown calls
(titles, captions, alerts, expander labels), ``plain.table`` (escaped HTML) for tables, and
Vega text in the chart (never HTML).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from carnet.contrat import progress
from carnet.contrat import texte as tx
from carnet.contrat.charts import timeline_chart
from carnet.contrat.frise import (  # noqa: F401 - the page's names, shared with the PDF carnet
    regle_fr,
    timeline_frame,
)
from carnet.contrat.model import Contrat
from carnet.formatting import fmt_date, fmt_int, fmt_percent
from carnet.projets.constants import NON_RENSEIGNE, STATUTS
from carnet.projets.orientations import orientations as pack_orientations
from carnet.ui import plain
from carnet.ui.contrat import data
from carnet.ui.plain import md


# ------------------------------------------------------------------ no contract
def aucun_contrat(pack_id: str, territoire: str, nom: str, others: dict[str, str],
                  word: str = "territoire") -> None:
    """« Aucun contrat déclaré » and how to declare one."""
    ce = "cet" if word[:1].lower() in "aeiouyéèêh" else "ce"
    st.info(md(f"Aucun contrat déclaré pour {ce} {word} ({nom})."), icon=":material/draft:")
    st.markdown(
        "Pour déclarer le contrat de ce territoire, créez le fichier "
        f"`{data.declaration_path(pack_id, territoire)}` dans le dépôt (titre, statut, "
        "dates des phases, instances, chiffres publiés, enjeux : chaque fait avec sa citation), "
        f"selon le format décrit dans `{data.DOC}`, puis relancez l'application : le contrat "
        "est alors chargé dans la base, où les éditeurs le complètent.")
    if others:
        st.caption(md("Contrats déclarés dans ce carnet : " + ", ".join(others.values()) + "."))
    else:
        st.caption("Aucun territoire de ce carnet n'a encore de contrat déclaré.")


def entete(contrat: Contrat, today: date) -> None:
    """The contract's status and where the page's facts come from."""
    statut = data.contract_status(contrat.statut)
    # the status is the one declared (the seed reads the founding document, December 2012):
    # today's position is the timeline's, computed from the dates (below)
    st.caption(md(f"Statut déclaré : {statut} (contrat déclaré dans "
                  f"{data.declaration_path(contrat.pack, contrat.territoire)} ; la position au "
                  f"{fmt_date(today)} se lit sur la frise des étapes). Chaque fait indique d'où il "
                  "vient (document et extrait, source, ou saisie d'un éditeur)."))
    if contrat.notes:
        st.caption(md(contrat.notes))
    faits = getattr(contrat, "faits", ())
    if faits:
        with st.expander(f"Ce que le document établit sur ce contrat ({fmt_int(len(faits))})"):
            plain.table(([f.libelle, tx.provenance(f.provenance)] for f in faits),
                        header=["Fait", "D'où"], css_class="carnet-contrat-faits")


# ------------------------------------------------------------------ timeline

def calendrier(contrat: Contrat, today: date) -> None:
    st.subheader("Les étapes du contrat")
    etapes = data.timeline(contrat, today)
    frame = timeline_frame(etapes)
    st.altair_chart(timeline_chart(frame, today), width="stretch")
    st.caption(md(f"Trait rouge : aujourd'hui ({fmt_date(today)}). Plein : date connue ; "
                  "losange orange et « ? » : date incertaine ; creux en pointillé : date "
                  "calculée (règle du contrat, non publiée) ; « date inconnue » : ni publiée "
                  "ni calculable, jamais inventée."))
    position = getattr(etapes, "position", None)
    if position is not None:
        where = next((r["phase"] for _, r in frame.iterrows() if r["en_cours"]), "")
        since = getattr(position, "depuis", None)
        basis = ""
        if position.etat == "apres_fin" and since is not None:
            fin = next((r for _, r in frame.iterrows() if r["code"] == "fin"), None)
            calc = fin is not None and fin["etat"] == "calculee"
            basis = f", selon la date de fin {'calculée' if calc else 'connue'} du {fmt_date(since)}"
        st.markdown(md(f"Aujourd'hui ({fmt_date(today)}) : {position.libelle}"
                       + (f" — {where}" if where else "") + basis + "."))
    uncertain = frame[frame["etat"] == "incertaine"]
    for _, r in uncertain.iterrows():
        st.warning(md(f"Date incertaine — {r['phase']} ({r['texte']}) : "
                      f"{(r['note'] or 'le document est ambigu').rstrip('.')}."), icon=":material/help:")
    def dates(r) -> str:  # the kind beside the date (a narrow column of its own wrapped badly)
        kind = {"calculee": "calculée", "incertaine": "incertaine"}.get(r["etat"])
        return f"{r['texte']} ({kind})" if kind else r["texte"]

    plain.table(([r["phase"], dates(r), r["origine"]] for _, r in frame.iterrows()),
                header=["Phase", "Date(s)", "D'où vient la date"],
                css_class="carnet-contrat-phases")


# ------------------------------------------------------------------ governance
def gouvernance(contrat: Contrat) -> None:
    st.subheader("Gouvernance")
    if contrat.instances:
        rows = sorted(contrat.instances, key=lambda i: (i.cote != "interne", i.niveau != "politique"))
        origins = list(dict.fromkeys(tx.provenance(i.provenance) for i in rows))
        groups: dict[str, list[str]] = {}
        for i in rows:
            side = tx.COTE_WORDS.get(i.cote, i.cote)
            level = tx.NIVEAU_WORDS.get(i.niveau, i.niveau)
            groups.setdefault(f"{side} — {level.lower()}" if level else side, []).append(i.libelle)
        if len(origins) == 1:  # one citation for all (the founding document's diagram)
            plain.table(([g, ", ".join(names)] for g, names in groups.items()),
                        header=["Côté et niveau", "Instances"], css_class="carnet-contrat-instances")
            st.caption(md(origins[0]))
        else:
            plain.table(([i.libelle, tx.COTE_WORDS.get(i.cote, i.cote),
                          tx.NIVEAU_WORDS.get(i.niveau, i.niveau) or "—", tx.provenance(i.provenance)]
                         for i in rows),
                        header=["Instance", "Côté", "Niveau", "D'où"],
                        css_class="carnet-contrat-instances")
    else:
        st.caption("Aucune instance saisie pour ce contrat.")
    if contrat.chiffres:
        st.markdown("**Chiffres publiés** — des comptes donnés par le document, pas des réunions "
                    "enregistrées une à une :")
        chiffres = list(contrat.chiffres)
        for i, c in enumerate(chiffres):  # one citation under the counts that share it
            st.markdown(f"**{md(tx.chiffre(c))}**")
            if i + 1 == len(chiffres) or chiffres[i + 1].provenance != c.provenance:
                st.caption(md(tx.provenance(c.provenance)))
    st.markdown("**Réunions enregistrées**")
    if contrat.reunions:
        names = {i.code: i.libelle for i in contrat.instances}
        plain.table(([fmt_date(r.date), names.get(r.instance, r.instance), r.objet, r.document or "—",
                      tx.provenance(r.provenance)]
                     for r in sorted(contrat.reunions, key=lambda r: r.date, reverse=True)),
                    header=["Date", "Instance", "Objet", "Document", "D'où"],
                    css_class="carnet-contrat-reunions")
    else:
        st.caption("Aucune réunion enregistrée : les éditeurs les saisissent au fil du contrat.")


# ------------------------------------------------------------------ Cadre d'Action Stratégique
def _labels(contrat: Contrat) -> dict:
    labels = dict(pack_orientations(contrat.pack).labels)
    labels.update({o.code: o.libelle for o in contrat.orientations})
    return labels


def _figures_row(name: str, a: progress.Avancement) -> list[str]:
    return [name, fmt_int(a.projets), tx.progression(a),
            tx.budget(a), tx.departement(a), tx.vigilance(a) or "—", tx.mise_a_jour(a) or "—"]


FIGURES_HEADER = ["", "Projets", "Avancement", "Coût total", "Participation du Département",
                  "Vigilance", "Dernière mise à jour"]


def _projects_table(df: pd.DataFrame, labels: dict, today: date, key: str) -> None:
    late = progress.en_retard(df, today)
    b = progress.bareme()
    rows = []
    for (_, r), is_late in zip(df.iterrows(), late, strict=True):
        statut = STATUTS.get(r["statut"], NON_RENSEIGNE) if pd.notna(r["statut"]) else NON_RENSEIGNE
        share = b.part(r["statut"])
        part = "hors calcul" if r["statut"] in b.exclus else (
            fmt_percent(share, 0) if share is not None else "—")
        fin = "" if pd.isna(r["annee_fin"]) else str(int(r["annee_fin"]))
        rows.append([r["titre"], labels.get(r["orientation"], NON_RENSEIGNE)
                     if pd.notna(r["orientation"]) else NON_RENSEIGNE,
                     statut + (" — en retard" if is_late else ""), part, tx.euros(r["cout_total"]),
                     tx.euros(r["participation_cd"]), fin or "—",
                     fmt_date(progress.jour_local(r["updated_at"]), missing="—")])
    plain.table(rows, header=["Projet", "Orientation", "Statut", "Part", "Coût total",
                              "Département", "Fin prévue", "Mis à jour"],
                css_class=f"carnet-contrat-projets {key}")


def cadre(contrat: Contrat, df: pd.DataFrame | None, today: date) -> None:
    """Enjeux → orientations → projets, each node with its figures."""
    st.subheader("Cadre d'Action Stratégique")
    if df is None:
        return
    labels = _labels(contrat)
    order = list(labels)
    from carnet.ui.data import pack

    indicators = {i: ind.label for i, ind in pack().indicators.items()}
    b = progress.bareme()
    st.caption(md(
        "Avancement calculé, jamais saisi : moyenne des parts des projets ayant un statut "
        f"(idée {fmt_percent(b.parts['idee'], 0)}, à l'étude {fmt_percent(b.parts['etude'], 0)}, "
        f"engagé {fmt_percent(b.parts['engage'], 0)}, en cours {fmt_percent(b.parts['en_cours'], 0)}, "
        f"bloqué {fmt_percent(b.parts['bloque'], 0)}, réalisé {fmt_percent(b.parts['realise'], 0)} ; "
        "abandonnés hors calcul ; barème : carnet/data/avancement.toml). Montants : sommes des "
        "montants connus (registre des projets) ; part du Département : rapport des sommes sur "
        "les projets chiffrés des deux côtés. « En retard » : année de fin passée, ni réalisé "
        f"ni abandonné. « À actualiser » : aucune mise à jour depuis plus de {b.jours_ancien} jours."))
    total = progress.avancement(df, today)
    plain.table([_figures_row("Ensemble du contrat", total)], header=FIGURES_HEADER,
                css_class="carnet-contrat-total")
    st.markdown("**Par orientation** (tous les projets du contrat)")
    by_o = progress.par_orientation(df, today, order)
    plain.table((_figures_row(labels.get(k, NON_RENSEIGNE) if k else "Orientation non renseignée", a)
                 for k, a in by_o.items()),
                header=["Orientation", *FIGURES_HEADER[1:]], css_class="carnet-contrat-orientations")

    tree = progress.arbre(contrat, df, today, order)
    if not contrat.enjeux:
        st.info("Aucun enjeu saisi pour ce contrat : les projets sont présentés par orientation. "
                "Les éditeurs peuvent saisir les enjeux (onglet « Modifier »).")
    for i, node in enumerate(tree):
        e = node.enjeu
        title = f"Enjeu : {e.titre}" if e is not None else "Projets sans enjeu du contrat"
        st.markdown(f"#### {md(title)}")
        if e is not None:
            if e.texte:
                st.markdown(md(e.texte))
            st.caption(md(tx.provenance(e.provenance)))
            if e.indicateurs:
                st.caption(md("Indicateurs qui l'établissent (carnet du territoire) : "
                              + ", ".join(indicators.get(i, i) for i in e.indicateurs)))
        if e is None and not contrat.enjeux:  # the orientations' table above says it all
            with st.expander(md(f"Voir les projets ({fmt_int(len(df))})")):
                _projects_table(df, labels, today, key="tous")
            break
        plain.table([_figures_row("Ensemble", node.avancement),
                     *(_figures_row("→ " + (labels.get(br.orientation, br.orientation)
                                            if br.orientation else "Orientation non renseignée"),
                                    br.avancement) for br in node.branches)],
                    header=FIGURES_HEADER, css_class="carnet-contrat-enjeu")
        if not node.avancement.vide:
            n = node.avancement.projets + node.avancement.abandonnes
            with st.expander(md(f"Voir les projets ({fmt_int(n)}) — {title}")):
                shown = pd.concat([br.projets for br in node.branches]) if node.branches else df.iloc[:0]
                _projects_table(shown, labels, today, key=f"enjeu-{i}")
