"""Dashboard figures of a set of projects (counts and amounts by status, orientation, category)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carnet import formatting
from carnet.projets.constants import (
    CATEGORIES,
    NON_RENSEIGNE,
    STATUTS,
    STATUTS_ENGAGES,
)
from carnet.projets.orientations import orientations, pack_of


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


def fmt_euros(v, missing: str = NON_RENSEIGNE.lower()) -> str:
    """The exact amount (:func:`carnet.formatting.fmt_euros`); blank is ``non renseigné``."""
    return formatting.fmt_euros(v, missing)


def fmt_meuros(v, missing: str = NON_RENSEIGNE.lower()) -> str:
    """A headline amount (:func:`carnet.formatting.fmt_meuros`); blank is ``non renseigné``."""
    return formatting.fmt_meuros(v, missing)
