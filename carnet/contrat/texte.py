"""French words of the contract (Contrat page, PDF carnet): provenance, dates, figures (pure: no streamlit).

Every string returned here is plain text; the caller escapes it (``plain.md`` for
Markdown, ``plain.table`` cells are escaped HTML).
"""

from __future__ import annotations

from carnet.contrat.model import ChiffrePublie, Provenance
from carnet.contrat.progress import Avancement
from carnet.formatting import fmt_date, fmt_euros, fmt_int, fmt_percent
from carnet.projets.constants import NON_RENSEIGNE

ETAT_WORDS = {"connue": "date connue", "incertaine": "date incertaine",
              "calculee": "date calculée", "inconnue": "date inconnue"}
COTE_WORDS = {"interne": "Interne", "partenarial": "Partenarial"}
NIVEAU_WORDS = {"politique": "Politique", "technique": "Technique", "": ""}
BORNE_WORDS = {"exact": "", "plus_de": "plus de ", "au_moins": "au moins "}
AUCUN_PROJET = "Aucun projet rattaché"


def provenance(p: Provenance | None) -> str:
    """Where a fact comes from, in one French sentence."""
    if p is None:
        return "Provenance non indiquée"
    if p.kind == "source":
        from carnet.sources import catalogue

        src = catalogue().get(p.source)
        return f"Source : {src.citation() if src else p.source}"
    if p.kind == "saisie":
        who = p.user or "un éditeur"
        return f"Saisie de {who} le {fmt_date(p.at)}" if p.at else f"Saisie de {who}"
    if p.citation is None:
        return "Document (citation non indiquée)"
    extrait = f", « {p.citation.extrait} »" if p.citation.extrait else ""
    return f"Document : {p.citation.document}{extrait}"


def chiffre(c: ChiffrePublie) -> str:
    """« 8 conférences partenariales », « plus de 30 groupes de travail »."""
    return f"{BORNE_WORDS.get(c.borne, '')}{fmt_int(c.valeur)} {c.libelle}"


def euros(v) -> str:
    return fmt_euros(v, missing=NON_RENSEIGNE.lower())


def progression(a: Avancement) -> str:
    """« 42 % (5 projets avec statut sur 6) », or why there is none."""
    if a.vide:
        return AUCUN_PROJET
    if a.avancement is None:
        return "non calculable : aucun statut renseigné" if a.projets else "non calculable"
    of = (f" ({fmt_int(a.avec_statut)} projet{'s' if a.avec_statut > 1 else ''} avec statut "
          f"sur {fmt_int(a.projets)})" if a.sans_statut else "")
    return f"{fmt_percent(a.avancement, 0)}{of}"


def budget(a: Avancement) -> str:
    """« 650 € (4 projets sur 6 chiffrés) »."""
    if a.vide:
        return ""
    known = a.cout_renseigne
    of = f" ({fmt_int(known)} sur {fmt_int(a.projets)} chiffrés)" if known < a.projets else ""
    return f"{euros(a.cout_total)}{of}" if known else NON_RENSEIGNE.lower()


def departement(a: Avancement) -> str:
    """« 95 € (27,1 % du coût des projets chiffrés des deux côtés) »."""
    if a.vide:
        return ""
    if not a.participation_renseignee:
        return NON_RENSEIGNE.lower()
    share = (f", {fmt_percent(a.part_departement * 100, 1)} du coût"
             if a.part_departement is not None else "")
    of = (f" ({fmt_int(a.participation_renseignee)} sur {fmt_int(a.projets)} renseignés{share})"
          if a.participation_renseignee < a.projets else (f" ({share[2:]})" if share else ""))
    return f"{euros(a.participation_cd)}{of}"


def vigilance(a: Avancement) -> str:
    """« 2 en retard, 1 bloqué », or an empty string."""
    parts = []
    if a.en_retard:
        parts.append(f"{fmt_int(a.en_retard)} en retard")
    if a.bloques:
        parts.append(f"{fmt_int(a.bloques)} bloqué{'s' if a.bloques > 1 else ''}")
    if a.abandonnes:
        parts.append(f"{fmt_int(a.abandonnes)} abandonné{'s' if a.abandonnes > 1 else ''} (hors calcul)")
    return ", ".join(parts)


def mise_a_jour(a: Avancement) -> str:
    """« 20 novembre 2026 », « 3 janvier 2024 — à actualiser »."""
    if a.derniere_maj is None:
        return "" if a.vide else "jamais"
    from carnet.contrat.progress import jour_local

    text = fmt_date(jour_local(a.derniere_maj))
    return f"{text} — à actualiser" if a.ancien else text


def projets(n: int) -> str:
    return f"{fmt_int(n)} projet{'s' if n > 1 else ''}"
