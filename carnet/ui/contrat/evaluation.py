"""The page « Évaluation » (clause de revoyure): T0 and evolution, implementation, needs.

:func:`render` draws the whole page for one territoire; ``pages/evaluation.py`` only picks
the territoire. The figures come from :mod:`carnet.contrat.t0` (frozen T0, evolution) and
:mod:`carnet.contrat.implementation`; every data string (a citation, an enjeu's title, a
project's) reaches the page as plain text (``st.dataframe`` or :func:`carnet.ui.plain.md`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from carnet import formatting
from carnet.contrat import implementation as impl
from carnet.contrat import t0 as t0mod
from carnet.contrat.charts import evolution_chart
from carnet.contrat.model import Contrat, Provenance
from carnet.contrat.t0_text import (  # noqa: F401 - the page's names, now shared with the PDF
    ETAT_TEXT,
    MINUS,
    NBSP,
    VERDICT_TEXT,
    chart_frame,
    evolution_table,
    fmt_change,
    fmt_level,
)
from carnet.contrat.t0_text import enjeux_of as _enjeux_of
from carnet.ui import components, plain
from carnet.ui.contrat import data
from carnet.ui.guard import page_guard
from carnet.ui.plain import md

# --------------------------------------------------------------------------- the contract


def how_to_declare(pack, tid: str, nom: str) -> None:
    st.info(md(f"Aucun contrat déclaré pour {nom}."), icon=":material/info:")
    st.markdown(
        "La clause de revoyure compare un territoire à son état au moment de la signature de "
        "son contrat : sans contrat, il n'y a ni date de signature, ni état de référence (T0), "
        "ni plan d'actions à évaluer.\n\n"
        "**Déclarer un contrat** : décrivez-le dans le fichier "
        f"`data/territoires/{pack.id}/contrats/{tid}.toml` du carnet (titre, statut, date de "
        "signature et, pour chaque fait, le document et la phrase dont il vient ; le format est "
        "décrit dans `docs/CONTRAT.md`, un exemple est celui du Cambrésis dans le carnet du "
        "Nord), puis rechargez la page. Un éditeur peut aussi saisir les phases et les enjeux "
        "sur la page « Contrat ».")


def _provenance_text(p: Provenance) -> str:
    """Where a fact comes from, in French (plain text: escaped by the caller)."""
    if p.kind == "document" and p.citation is not None:
        return f"{p.citation.document} : « {p.citation.extrait} »"
    if p.kind == "source":
        return f"source {p.source}"
    if p.kind == "saisie":
        when = formatting.fmt_datetime(p.at) if p.at else "date inconnue"
        return f"saisie de {p.user or 'anonyme'} le {when}"
    return "origine non précisée"


def _date_text(d) -> str:
    """A timeline date (:class:`carnet.contrat.phases.DateEtape`) with its state, in French."""
    if d.valeur is None:
        return "date inconnue"
    doubt = ", incertaine" if d.certitude == "incertaine" else ""
    if d.etat == "calculee":
        rule = d.regle.replace("signature.debut", "signature").replace(" + 0 ans", "")
        return f"{md(formatting.fmt_date(d.valeur))} (*date calculée* : {md(rule)}{doubt})"
    return md(formatting.fmt_date(d.valeur)) + (" (date incertaine)" if doubt else "")


def dates_block(contrat: Contrat, today: date) -> date | None:
    """Signature, revoyure and end dates, with what they rest on; returns the signature date."""
    from carnet.contrat.phases import timeline

    signed = t0mod.signature_date(contrat)
    if signed is None:
        st.warning("Date de signature inconnue : l'état de référence (T0) se fige à la signature. "
                   "Renseignez-la (page « Contrat » ou fichier du contrat).", icon=":material/event_busy:")
        return None
    tl = timeline(contrat, today=today)
    sig = tl.etape("signature").debut
    st.markdown(f"Contrat signé le {_date_text(sig)} · clause de revoyure : "
                f"{_date_text(tl.etape('revoyure').debut)} · fin : {_date_text(tl.etape('fin').debut)}.")
    said = _provenance_text(sig.provenance) + (f". {sig.note.strip()}" if sig.note.strip() else "")
    st.caption("Date de signature : " + md(said if said.endswith(".") else f"{said}."))
    return signed


# --------------------------------------------------------------------------- T0 and evolution

def enjeux_caption(ev: pd.DataFrame, enjeux: dict[str, str]) -> str | None:
    """« Indicateurs des enjeux du contrat : … » (Markdown, data escaped), None if none."""
    parts = [f"{md(r['libelle'])} (enjeu{'x' if len(named) > 1 else ''} "
             + " ; ".join(f"« {md(n)} »" for n in named) + ")"
             for _, r in ev.iterrows() if (named := _enjeux_of(r, enjeux))]
    return "Indicateurs des enjeux du contrat : " + " ; ".join(parts) + "." if parts else None


def export_frame(ev: pd.DataFrame, territoire_nom: str, dep_titre: str) -> pd.DataFrame:
    """The evolution for a spreadsheet: values unrounded, vintages and sources beside them.

    Only registry and pack texts (no contract text): nothing a reader typed reaches a cell.
    """
    out = pd.DataFrame({
        "Indicateur": ev["libelle"], "Unité": ev["unite"],
        "Millésime T0": ev["t0_millesime"],
        "T0 postérieur à la signature": ev["choix"].eq("posterieur").map({True: "oui", False: "non"}),
        "Source T0": ev["t0_citation"], "Dernier millésime": ev["dernier_millesime"],
        "Source du dernier millésime": ev["dernier_citation"]})
    for level, nom in (("territoire", territoire_nom), ("departement", dep_titre)):
        out[f"{nom} : T0"] = ev[f"{level}_t0"].astype("float64")
        out[f"{nom} : aujourd'hui"] = ev[f"{level}_dernier"].astype("float64")
        out[f"{nom} : évolution"] = ev[f"{level}_evolution"].astype("float64")
        out[f"{nom} : lecture"] = ev[f"{level}_verdict"].map(VERDICT_TEXT)
    out.insert(len(out.columns) - 8, "Unité de l'évolution", ev["evolution_unite"])
    return out


def _t0(store, pack, contrat: Contrat) -> tuple[dict | None, bool]:
    """``(T0, frozen)``: the stored T0 (frozen now if it never was), else computed for the page."""
    if store is not None and hasattr(store, "freeze_t0"):
        from carnet.ui.auth import current_user

        return t0mod.frozen(store, pack, contrat, user=current_user()[0]), True
    return t0mod.snapshot(pack, contrat), False


def t0_section(pack, contrat: Contrat, store, territoire_nom: str) -> None:
    st.subheader("État de référence (T0) et évolution")
    snap, frozen = _t0(store, pack, contrat)
    if snap is None:
        return
    when = formatting.fmt_datetime(snap.get("calcule_le"))
    by = ""
    if frozen and hasattr(store, "t0_frozen"):
        at, who = store.t0_frozen(contrat.territoire)
        when = formatting.fmt_datetime(at or snap.get("calcule_le"))
        by = f" par {who}" if who and who != "anonyme" else " (à la première consultation de la page)"
    if frozen:
        st.caption(md(f"T0 figé le {when}{by} dans la base des contrats, à partir du carnet construit le "
                      f"{formatting.fmt_datetime(snap['carnet']['construit_le'])} : une mise à jour "
                      "des sources ne le réécrit pas."))
    else:
        st.warning("T0 calculé pour cet affichage, pas encore figé : ce contrat n'est pas encore "
                   "dans la base des contrats (il y entre au démarrage de l'application ; en cas "
                   "d'échec, le journal du serveur dit pourquoi).", icon=":material/lock_open:")
    st.caption(md(snap["regle"]) + " Valeurs du territoire et du département : rapports des "
               "sommes des communes (jamais une moyenne de taux). Une médiane ou un taux de pauvreté "
               "n'est publié que par commune : « non agrégeable ».")
    ev = t0mod.evolution(pack, snap)
    if ev.empty:
        st.info("Aucun indicateur du T0 dans ce carnet.")
        return
    enjeux = {e.code: e.titre for e in contrat.enjeux}
    table = evolution_table(ev, territoire_nom, pack.config.titre, enjeux)
    plain.table(table.itertuples(index=False), header=list(table.columns), css_class="carnet-t0")
    if (said := enjeux_caption(ev, enjeux)) is not None:
        st.caption(said)
    st.caption("Évolution en points pour un taux ou une part, en % pour un effectif ou un niveau. "
               "Lecture : « favorable » quand l'indicateur a évolué dans le sens souhaité (baisse du "
               "chômage, de la vacance ou de la pauvreté ; hausse du revenu ou de l'emploi), « sans "
               "objet » quand aucun sens n'est favorable en soi (population, âges).")
    frame = chart_frame(ev, territoire_nom, pack.config.titre)
    if not frame.empty:
        st.altair_chart(evolution_chart(frame, territoire_nom, pack.config.titre), width="content")
    components.downloads(export_frame(ev, territoire_nom, pack.config.titre),
                         f"t0-{pack.id}-{contrat.territoire}", key="t0_export")
    cites = list(dict.fromkeys([*ev["t0_citation"], *ev["dernier_citation"].dropna()]))
    st.caption("Sources : " + md(" ; ".join(cites)) + ".")


# --------------------------------------------------------------------------- implementation

TABLES = {"par_statut": "Par statut", "par_orientation": "Par orientation", "par_enjeu": "Par enjeu",
          "par_categorie": "Par catégorie"}


def _euros(v) -> str:
    return formatting.fmt_meuros(v, "non renseigné")


def _share(part) -> str:
    if part is None:
        return "non publiée"
    if part.renseignes == 0:
        return "non renseignée"
    if part is None or part.part is None:
        n = "non publié" if part is None or part.n is None else formatting.fmt_int(part.n)
        tot = "non publié" if part is None or part.total is None else formatting.fmt_int(part.total)
        return f"{n} / {tot}"
    return (f"{formatting.fmt_percent(part.part * 100)} ({formatting.fmt_int(part.n)} / "
            f"{formatting.fmt_int(part.total)})")


def group_table(g: pd.DataFrame, first: str) -> pd.DataFrame:
    return pd.DataFrame({
        first: g["libelle"],
        "Projets": g["projets"].map(formatting.fmt_int),
        "Coût total": g["cout_total"].map(_euros),
        "Coût renseigné pour": g["cout_renseigne"].map(lambda n: f"{n} projet(s)"),
        "Participation du Département": g["participation_cd"].map(_euros),
        "Participation renseignée pour": g["participation_renseignee"].map(lambda n: f"{n} projet(s)"),
    })


def implementation_section(pack, contrat: Contrat, tid: str, today: date, shared) -> None:
    st.subheader("Mise en œuvre du plan d'actions")
    if shared is None:
        st.info("Le registre des projets n'est pas accessible : la mise en œuvre ne peut pas "
                "être calculée.")
        return
    df = shared.dataframe(pack.id, territoire=tid)
    from carnet.projets.seed import published_totals

    plan = impl.plan_totals(published_totals(pack.id, tid).get(tid))
    r = impl.implementation(df, contrat, today=today, pack_id=pack.id, publies=plan)
    if r["illustratifs"]:
        st.warning(f"{r['illustratifs']} projet(s) illustratif(s) compté(s) : données fictives générées "
                   "pour la démonstration, à ne pas citer.", icon="⚠️")
    pub = r["engages_publie"]
    c1, c2, c3 = st.columns(3)
    c1.metric("Projets au registre du Carnet", formatting.fmt_int(r["total"]))
    c2.metric("Part engagée : registre du Carnet", _share(r["engages"]),
              help="Projets engagés, en cours ou réalisés, sur tous les projets du registre ; "
                   "« non renseignée » tant qu'aucun projet n'a de statut.")
    c3.metric("Part engagée : publiée", _share(pub),
              help="Chiffres publiés par le document fondateur du contrat (non recalculés).")
    c4, c5, c6 = st.columns(3)
    c4.metric("Réalisés", formatting.fmt_int(r["realises"]))
    c5.metric("En retard", formatting.fmt_int(r["en_retard"]),
              help="Année de fin passée, statut connu, ni réalisé ni abandonné.")
    c6.metric("Bloqués", formatting.fmt_int(r["bloques"]))
    built = f"registre des projets du Carnet au {formatting.fmt_date(today)}"
    if r["fin_passee_sans_statut"]:
        st.caption(f"{r['fin_passee_sans_statut']} projet(s) sans statut ont une année de fin passée : "
                   "ni comptés en retard ni réalisés tant que leur statut n'est pas saisi.")
    if r["total"] and not r["statut_renseigne"]:
        st.caption("Aucun projet du registre n'a encore de statut : la part engagée du registre "
                   "n'est pas calculable (elle n'est pas de 0 %).")
    if pub is not None:
        cites = dict.fromkeys(_provenance_text(c.provenance) for c in pub.chiffres)
        st.caption("Part publiée : " + md(" ; ".join(cites))
                   + ". Part du registre, réalisés, en retard, bloqués : " + md(built) + ".")
    else:
        st.caption("Le contrat ne publie pas de nombre de projets engagés. Chiffres : " + md(built) + ".")

    rows = []
    for col, label in (("cout_total", "Coût total des projets"),
                       ("participation_cd", "Participation du Département")):
        e = r["euros"][col]
        rows.append({"Montant": label,
                     "Programmé": _euros(e["programme"]),
                     "Programmé : renseigné pour":
                         f"{e['programme_renseignes']} projet(s) sur {e['programme_projets']}",
                     "Engagé": _euros(e["engage"]),
                     "Engagé : renseigné pour":
                         f"{e['engage_renseignes']} projet(s) sur {e['engage_projets']}"})
    st.markdown("**Euros programmés et engagés**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("Programmé : tous les projets sauf les abandonnés ; engagé : projets engagés, en cours ou "
               "réalisés. Sommes des montants renseignés (un montant absent n'est jamais compté 0). "
               "Source : " + md(built) + ".")
    tabs = st.tabs(list(TABLES.values()))
    for tab, (key, label) in zip(tabs, TABLES.items(), strict=True):
        with tab:
            if r[key].empty:
                st.caption("Aucun projet.")
            else:
                st.dataframe(group_table(r[key], label.removeprefix("Par ").capitalize()),
                             hide_index=True, width="stretch")
    if r["en_retard"]:
        with st.expander(f"Projets en retard ({r['en_retard']})"):
            late = r["retards"].rename(columns={"id": "N°", "titre": "Projet", "annee_fin": "Année de fin",
                                                "statut": "Statut"})
            st.dataframe(late, hide_index=True, width="stretch")


# --------------------------------------------------------------------------- needs vs projects


def besoins_section(pack, tid: str) -> None:
    """The needs-vs-projects section (the « besoins » part of issue #10), when it exists."""
    try:
        from carnet.ui.contrat.besoins import render_besoins
    except ImportError:
        return
    with page_guard("La section « Besoins et projets » n'a pas pu s'afficher"):
        render_besoins(pack, tid)


# --------------------------------------------------------------------------- page


def render(pack, tid: str, nom: str, today: date | None = None) -> None:
    """The page « Évaluation » of territoire ``tid`` (``nom``: its name)."""
    from carnet.ui import projets as ui

    if today is None:
        from carnet.contrat.progress import today_paris

        today = today_paris()  # the Nord's day: « en retard », the timeline
    shared = ui.repository()  # opens the registry; seeds the pack's projects and contracts
    contrat, store = data.load_stored(pack.id, tid)
    if contrat is None:
        how_to_declare(pack, tid, nom)
        besoins_section(pack, tid)
        return
    st.markdown(f"**{md(contrat.titre)}**")
    signed = dates_block(contrat, today)
    if signed is not None:
        with page_guard("L'état de référence (T0) n'a pas pu s'afficher"):
            t0_section(pack, contrat, store, nom)
    with page_guard("La mise en œuvre du plan d'actions n'a pas pu s'afficher"):
        implementation_section(pack, contrat, tid, today, shared)
    besoins_section(pack, tid)

