"""The implementation of a contract's action plan, for the clause de revoyure.

From the projects of one territoire (a frame of :meth:`ProjetRepository.dataframe`):
counts and budgets by status, orientation, enjeu and catégorie; the share engaged, from
the registry, beside the share the founding document publishes (the contract's
``chiffres``: « 280 projets inscrits dont 91 déjà engagés »), each labelled with its
origin; the projects realised, overdue (« en retard »: end year passed, status known and
neither realised nor abandoned), blocked (status ``bloque``); euros programmed against euros engaged.

An amount nobody entered is unknown, never 0: every sum is the sum of the known amounts
with how many projects have one (None when none has). No streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from carnet.contrat.model import ChiffrePublie, Contrat
from carnet.projets.constants import CATEGORIES, NON_RENSEIGNE, STATUTS, STATUTS_ENGAGES
from carnet.text import fold

#: Status of a blocked project (added with the page « Contrat »; may not be in STATUTS yet).
BLOQUE = "bloque"
BLOQUE_LABEL = "Bloqué"
REALISE = "realise"
ABANDONNE = "abandonne"
#: Codes of the contract's published counts (``chiffres``): all projects, engaged ones.
#: The first code present wins (the seed names them; older names kept).
CHIFFRE_PROJETS = ("projets", "projets_inscrits", "plan_actions_projets")
CHIFFRE_ENGAGES = ("projets_engages", "engages", "plan_actions_engages")

COLUMNS = ("code", "libelle", "projets", "cout_total", "cout_renseigne", "participation_cd",
           "participation_renseignee")


def _known_sum(s: pd.Series) -> float | None:
    total = s.sum(min_count=1) if len(s) else np.nan
    return None if pd.isna(total) else float(total)


def status_labels() -> dict[str, str]:
    """Status code → label, with ``bloque`` whether or not the vocabulary has it yet."""
    labels = dict(STATUTS)
    labels.setdefault(BLOQUE, BLOQUE_LABEL)
    return labels


def _group(df: pd.DataFrame, keys: pd.Series, labels: dict[str, str]) -> pd.DataFrame:
    """Counts and known sums by key, in the order of ``labels``, then other keys, then none."""
    rows = []
    keys = keys.astype("object").where(keys.notna(), None)
    seen = [k for k in dict.fromkeys(keys) if k is not None]
    order = [k for k in labels if k in seen] + [k for k in seen if k not in labels]
    for code in [*order, None]:
        part = df[keys.isna()] if code is None else df[keys == code]
        if code is None and part.empty:
            continue
        rows.append({
            "code": code, "libelle": NON_RENSEIGNE if code is None else labels.get(code, str(code)),
            "projets": int(len(part)),
            "cout_total": _known_sum(part["cout_total"]),
            "cout_renseigne": int(part["cout_total"].notna().sum()),
            "participation_cd": _known_sum(part["participation_cd"]),
            "participation_renseignee": int(part["participation_cd"].notna().sum()),
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def enjeu_keys(df: pd.DataFrame, contrat: Contrat | None) -> tuple[pd.Series, dict[str, str]]:
    """Each project's enjeu as the contract's enjeu code where it names one, and the labels.

    The ``enjeu`` of a project is a code of the contract's enjeux or (projects entered
    before the enjeux existed) free text: text equal to an enjeu's code or title (case and
    accents aside) is that enjeu; other text is its own group, shown as written.
    """
    enjeux = contrat.enjeux if contrat is not None else ()
    labels = {e.code: e.titre for e in enjeux}
    by_text = {fold(e.code): e.code for e in enjeux} | {fold(e.titre): e.code for e in enjeux}

    def key(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip():
            return None
        return by_text.get(fold(str(v)), str(v).strip())

    col = df["enjeu"] if "enjeu" in df.columns else pd.Series(None, index=df.index, dtype=object)
    return col.map(key).astype(object), labels


def orientation_labels(pack_id: str | None, contrat: Contrat | None) -> dict[str, str]:
    """The Département's orientations (short labels), then the contract's own."""
    from carnet.projets.orientations import orientations

    labels = dict(orientations(pack_id).short) if pack_id else {}
    for o in contrat.orientations if contrat is not None else ():
        labels.setdefault(o.code, o.libelle)
    return labels


@dataclass(frozen=True)
class Part:
    """A share ``n / total`` and where it comes from (``registre`` or ``document``)."""

    n: int | None
    total: int | None
    origine: str
    chiffres: tuple[ChiffrePublie, ...] = ()
    #: Registry: how many of ``total`` have a status (no status at all: no share, not 0 %).
    renseignes: int | None = None

    @property
    def part(self) -> float | None:
        if self.renseignes == 0:
            return None
        return self.n / self.total if self.n is not None and self.total else None


def _chiffre(contrat: Contrat | None, codes, extra=()) -> ChiffrePublie | None:
    own = contrat.chiffres if contrat is not None else ()
    for pool in (own, extra):
        found = next((c for code in codes for c in pool if c.code == code), None)
        if found is not None:
            return found
    return None


def plan_totals(totaux: dict | None) -> tuple[ChiffrePublie, ...]:
    """The published totals of the projects' seed file (``carnet.projets.seed.published_totals``
    of one territoire: ``projets``, ``engages``, ``note``, ``source``) as published counts
    citing that document, for a contract whose own ``chiffres`` do not give them."""
    if not totaux:
        return ()
    from carnet.contrat.model import Citation, Provenance

    prov = Provenance(citation=Citation(str(totaux.get("source", "")), str(totaux.get("note", ""))))
    out = []
    for key, code, label in (("projets", "projets", "projets inscrits"),
                             ("engages", "projets_engages", "projets engagés")):
        v = totaux.get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            out.append(ChiffrePublie(code, label, v, prov))
    return tuple(out)


def published_engaged(contrat: Contrat | None, extra: tuple[ChiffrePublie, ...] = ()) -> Part | None:
    """The founding document's engaged share (« 91 » of « 280 »), None if it gives none.

    From the contract's ``chiffres``; failing that, from ``extra`` (:func:`plan_totals`).
    """
    total = _chiffre(contrat, CHIFFRE_PROJETS, extra)
    engaged = _chiffre(contrat, CHIFFRE_ENGAGES, extra)
    if total is None and engaged is None:
        return None
    return Part(engaged.valeur if engaged else None, total.valeur if total else None, "document",
                tuple(c for c in (engaged, total) if c is not None))


def _amounts(df: pd.DataFrame, col: str) -> dict:
    live = df[df["statut"].astype(object) != ABANDONNE]
    engaged = df[df["statut"].isin(STATUTS_ENGAGES)]
    return {"programme": _known_sum(live[col]), "programme_projets": int(len(live)),
            "programme_renseignes": int(live[col].notna().sum()),
            "engage": _known_sum(engaged[col]), "engage_projets": int(len(engaged)),
            "engage_renseignes": int(engaged[col].notna().sum())}


def _ended(df: pd.DataFrame, today: date) -> pd.Series:
    fin = pd.to_numeric(df["annee_fin"], errors="coerce")
    return (fin < today.year).fillna(False).astype(bool)


def overdue(df: pd.DataFrame, today: date) -> pd.Series:
    """Whether each project is « en retard »: its end year is over (before ``today``'s
    year) and its status is known and neither réalisé nor abandonné — the one rule,
    :func:`carnet.contrat.progress.en_retard`, that the page « Contrat » shows too. A project
    with no status is not called late (it may well be done): it is counted apart
    (:func:`ended_without_status`)."""
    from carnet.contrat.progress import en_retard

    return en_retard(df, today)


def ended_without_status(df: pd.DataFrame, today: date) -> pd.Series:
    """Projects whose end year is over and that have no status: neither late nor done."""
    return _ended(df, today) & df["statut"].isna()


def implementation(df: pd.DataFrame, contrat: Contrat | None = None, *, today: date,
                   pack_id: str | None = None, publies: tuple[ChiffrePublie, ...] = ()) -> dict:
    """The implementation figures of a set of projects (one territoire's, usually).

    Parameters
    ----------
    df : DataFrame
        Projects (columns of the registry: ``statut``, ``orientation``, ``enjeu``,
        ``categorie``, ``cout_total``, ``participation_cd``, ``annee_fin``,
        ``illustratif``, ``id``, ``titre``).
    contrat : Contrat, optional
        For the published counts (``chiffres``), the enjeux' and orientations' names.
    today : date
        Decides which end years are over.
    pack_id : str, optional
        Whose orientations name the ``orientation`` codes.
    publies : tuple of ChiffrePublie, optional
        Published counts to use where the contract gives none (:func:`plan_totals`).

    Returns
    -------
    dict
        ``total``, ``illustratifs``, ``statut_renseigne``; ``engages`` (:class:`Part` of
        the registry: projects engagés, en cours or réalisés over all projects) and
        ``engages_publie`` (:class:`Part` of the document, or None); ``realises``,
        ``en_retard``, ``fin_passee_sans_statut``, ``bloques``, ``abandonnes`` (counts) and
        ``retards`` (the overdue
        projects: id, titre, annee_fin, statut); ``euros``: for ``cout_total`` and
        ``participation_cd``, the known sums programmed (every project not abandoned) and
        engaged, with how many projects each counts and how many have the amount; and the
        tables ``par_statut``, ``par_orientation``, ``par_enjeu``, ``par_categorie``
        (:data:`COLUMNS`).
    """
    df = df.reset_index(drop=True)
    statut = df["statut"].astype(object)
    late = overdue(df, today)
    enjeux, enjeu_names = enjeu_keys(df, contrat)
    labels = status_labels()
    retards = df.loc[late, ["id", "titre", "annee_fin", "statut"]].copy()
    retards["statut"] = retards["statut"].map(lambda s: labels.get(s, s) if isinstance(s, str)
                                              else NON_RENSEIGNE)
    total = int(len(df))
    return {
        "total": total,
        "illustratifs": int(df["illustratif"].fillna(False).astype(bool).sum())
        if "illustratif" in df else 0,
        "statut_renseigne": int(statut.notna().sum()),
        "engages": Part(int(statut.isin(STATUTS_ENGAGES).sum()), total, "registre",
                        renseignes=int(statut.notna().sum())),
        "engages_publie": published_engaged(contrat, publies),
        "realises": int((statut == REALISE).sum()),
        "en_retard": int(late.sum()),
        "fin_passee_sans_statut": int(ended_without_status(df, today).sum()),
        "bloques": int((statut == BLOQUE).sum()),
        "abandonnes": int((statut == ABANDONNE).sum()),
        "retards": retards.sort_values(["annee_fin", "id"]).reset_index(drop=True),
        "euros": {col: _amounts(df, col) for col in ("cout_total", "participation_cd")},
        "par_statut": _group(df, statut, labels),
        "par_orientation": _group(df, df["orientation"], orientation_labels(pack_id, contrat)),
        "par_enjeu": _group(df, enjeux, enjeu_names),
        "par_categorie": _group(df, df["categorie"], CATEGORIES),
    }
