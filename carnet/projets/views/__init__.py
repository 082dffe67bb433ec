"""Filtering, dashboard figures and fiche of projects (no Streamlit here).

The projects map is :mod:`carnet.maps.projects`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carnet import formatting
from carnet.formatting import fmt_datetime, fmt_number
from carnet.projets import fields
from carnet.projets.constants import (
    CATEGORIES,
    MODES,
    NATURES,
    NON_RENSEIGNE,
    STATUTS,
    STATUTS_ENGAGES,
)
from carnet.projets.orientations import orientations, pack_of
from carnet.projets.territory import TerritoryContext
from carnet.text import fold


def enrich(df: pd.DataFrame, ctx: TerritoryContext | None) -> pd.DataFrame:
    """Add commune name, EPCI and contract name columns from the territory pack."""
    out = df.copy()
    if ctx is None or out.empty:
        for col in ("commune_nom", "epci", "epci_nom", "territoire_nom"):
            out[col] = pd.Series(dtype="object", index=out.index)
        return out
    com = pd.DataFrame.from_dict(ctx.by_code, orient="index")
    out["commune_nom"] = out["commune"].map(com.get("nom", pd.Series(dtype=object)))
    out["epci"] = out["commune"].map(com.get("epci", pd.Series(dtype=object)))
    out["epci_nom"] = out["commune"].map(com.get("epci_nom", pd.Series(dtype=object)))
    out["territoire_nom"] = out["territoire"].map(ctx.territoires)
    return out


@dataclass
class Filters:
    """Filter of the projects table and map (empty lists mean "all")."""

    territoires: list[str] = field(default_factory=list)
    epcis: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    orientations: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    statuts: list[str] = field(default_factory=list)
    maitre_ouvrage: str = ""
    annee_min: int | None = None
    annee_max: int | None = None
    budget_min: float | None = None
    budget_max: float | None = None
    texte: str = ""
    illustratifs: bool = True


def _fold(s: pd.Series) -> pd.Series:
    """:func:`carnet.text.fold` of every value (blank gives ``""``)."""
    return s.fillna("").astype(str).map(fold)


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Return the rows of ``df`` matching the filter (vectorised).

    Parameters
    ----------
    df : pandas.DataFrame
        Projects (``enrich``-ed for the EPCI filter).
    f : Filters

    Returns
    -------
    pandas.DataFrame
    """
    mask = pd.Series(True, index=df.index)
    for col, values in (("territoire", f.territoires), ("epci", f.epcis), ("commune", f.communes),
                        ("orientation", f.orientations), ("categorie", f.categories),
                        ("statut", f.statuts)):
        if values and col in df:
            wanted = [None if v == NON_RENSEIGNE else v for v in values]
            m = df[col].isin([v for v in wanted if v is not None])
            if None in wanted:
                m |= df[col].isna()
            mask &= m
    if f.maitre_ouvrage:
        mask &= _fold(df["maitre_ouvrage"]).str.contains(
            _fold(pd.Series([f.maitre_ouvrage])).iloc[0], regex=False)
    if f.annee_min is not None:
        mask &= df["annee_fin"].fillna(df["annee_debut"]).fillna(9999) >= f.annee_min
    if f.annee_max is not None:
        mask &= df["annee_debut"].fillna(df["annee_fin"]).fillna(0) <= f.annee_max
    if f.budget_min is not None:
        mask &= df["cout_total"].fillna(-1) >= f.budget_min
    if f.budget_max is not None:
        mask &= df["cout_total"].fillna(np.inf) <= f.budget_max
    if f.texte.strip():
        hay = _fold(df["titre"]) + " " + _fold(df["description"]) + " " + _fold(
            df.get("commune_nom", df["commune"])) + " " + _fold(df["maitre_ouvrage"]) + " " + (
            _fold(df["partenaires"]))
        for word in _fold(pd.Series([f.texte])).iloc[0].split():
            mask &= hay.str.contains(word, regex=False)
    if not f.illustratifs:
        mask &= ~df["illustratif"].astype(bool)
    return df[mask.fillna(False).astype(bool)]


def _group(df: pd.DataFrame, col: str, labels: dict[str, str]) -> pd.DataFrame:
    keys = df[col].fillna(NON_RENSEIGNE)
    known_sum = lambda s: s.sum(min_count=1)  # noqa: E731 — unknown budgets stay unknown, never 0
    g = df.assign(_k=keys).groupby("_k", sort=False).agg(
        projets=("id", "size"), cout_total=("cout_total", known_sum),
        participation_cd=("participation_cd", known_sum))
    order = [*labels, NON_RENSEIGNE]
    g = g.reindex([k for k in order if k in g.index])
    g.index = [labels.get(k, k) for k in g.index]
    g.index.name = {"statut": "Statut", "orientation": "Orientation",
                    "categorie": "Catégorie"}[col]
    return g.rename(columns={"projets": "Projets", "cout_total": "Coût total (€)",
                             "participation_cd": "Participation du Département (€)"})


def _known_sum(s: pd.Series) -> float | None:
    """Sum of the known values; None when none is known (never a made-up 0)."""
    total = s.sum(min_count=1) if len(s) else np.nan
    return None if pd.isna(total) else float(total)


def dashboard(df: pd.DataFrame) -> dict:
    """Counts and budgets by status, orientation and catégorie, and the engaged share.

    Returns
    -------
    dict
        ``total``, ``engages``, ``part_engagee`` (engaged / all projects of the filter,
        0–1; None when none has a status), ``statut_renseigne`` (projects with a status),
        ``cout_total`` and ``participation_cd`` (sums of the known amounts, None when
        none is known), ``cout_renseigne`` and ``participation_renseignee`` (how many
        projects have the amount), ``illustratifs``, ``a_localiser`` and the three tables
        ``par_statut``, ``par_orientation``, ``par_categorie``.
    """
    total = int(len(df))
    engages = int(df["statut"].isin(STATUTS_ENGAGES).sum())
    known_status = int(df["statut"].notna().sum())
    return {
        "total": total,
        "engages": engages,
        "statut_renseigne": known_status,
        "part_engagee": engages / total if known_status else None,
        "cout_total": _known_sum(df["cout_total"]),
        "cout_renseigne": int(df["cout_total"].notna().sum()),
        "participation_cd": _known_sum(df["participation_cd"]),
        "participation_renseignee": int(df["participation_cd"].notna().sum()),
        "illustratifs": int(df["illustratif"].sum()),
        "a_localiser": int(df["lon"].isna().sum()),
        "par_statut": _group(df, "statut", STATUTS),
        "par_orientation": _group(df, "orientation", orientations(pack_of(df)).short),
        "par_categorie": _group(df, "categorie", CATEGORIES),
    }


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA


def fmt_euros(v, missing: str = NON_RENSEIGNE.lower()) -> str:
    """The exact amount (:func:`carnet.formatting.fmt_euros`); blank is ``non renseigné``."""
    return formatting.fmt_euros(v, missing)


def fmt_meuros(v, missing: str = NON_RENSEIGNE.lower()) -> str:
    """A headline amount (:func:`carnet.formatting.fmt_meuros`); blank is ``non renseigné``."""
    return formatting.fmt_meuros(v, missing)


def fmt_coordinates(lon, lat) -> str:
    """``50,17217° N, 3,23456° E`` (French decimal comma; W / S for negative values)."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "O"
    return f"{fmt_number(abs(lat), 5)}° {ns}, {fmt_number(abs(lon), 5)}° {ew}"


def fiche(p: dict, ctx: TerritoryContext | None = None) -> list[tuple[str, str]]:
    """Label/value pairs of a project's fiche (plain text; the page must not render HTML)."""
    from carnet.projets.validation import is_blank

    p = {k: (None if is_blank(v) else v) for k, v in p.items()}
    commune = p.get("commune")
    if commune and ctx is not None and commune in ctx.by_code:
        commune = f"{ctx.by_code[commune].get('nom')} ({commune})"
    loc = (fmt_coordinates(p["lon"], p["lat"]) if p.get("lon") is not None and p.get("lat") is not None
           else "À localiser")
    years = "–".join(str(int(y)) for y in (p.get("annee_debut"), p.get("annee_fin")) if y) or "—"

    def lab(vocab, key):
        return vocab.get(p.get(key), NON_RENSEIGNE) if p.get(key) else NON_RENSEIGNE

    values = {
        "titre": p.get("titre"), "description": p.get("description"),
        "territoire": (ctx.territoires.get(p.get("territoire"), p.get("territoire"))
                       if ctx else p.get("territoire")),
        "commune": commune,
        "orientation": lab(orientations(ctx.pack_id if ctx else p.get("pack")).labels,
                           "orientation"),
        "enjeu": p.get("enjeu"), "categorie": lab(CATEGORIES, "categorie"),
        "nature": lab(NATURES, "nature"), "mode": lab(MODES, "mode"),
        "statut": lab(STATUTS, "statut"), "maitre_ouvrage": p.get("maitre_ouvrage"),
        "partenaires": p.get("partenaires"), "cout_total": fmt_euros(p.get("cout_total")),
        "participation_cd": fmt_euros(p.get("participation_cd")), "source": p.get("source"),
        "ref": p.get("ref"),
        "illustratif": "Oui (projet fictif)" if p.get("illustratif") else "Non",
    }
    # labels from the fields table; the rows made of several fields are the fiche's own
    shown = {name: (fields.champ(name).fiche_label, value) for name, value in values.items()}
    rows = [
        *(shown[n] for n in ("titre", "description", "territoire", "commune")),
        ("Localisation", loc),
        *(shown[n] for n in ("orientation", "enjeu", "categorie", "nature", "mode", "statut",
                             "maitre_ouvrage", "partenaires", "cout_total", "participation_cd")),
        ("Années", years),
        *(shown[n] for n in ("source", "ref", "illustratif")),
        ("Version", str(p.get("version"))),
        ("Dernière modification",
         f"{fmt_datetime(p.get('updated_at'), naive_utc=True)} par {p.get('updated_by') or 'inconnu'}"),
    ]
    return [(k, "—" if v in (None, "") else str(v)) for k, v in rows]
