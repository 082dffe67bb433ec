"""Territories and comparisons: bar charts, population series, rankings, comparison tables."""

from __future__ import annotations

import math

import pandas as pd

from carnet.fiches.citations import source_label
from carnet.fiches.figures import population_ids, territory_options
from carnet.fiches.merged import commune_rows
from carnet.fiches.values import fmt_ind, round_values
from carnet.formatting import fmt_value
from carnet.indicators import Indicator
from carnet.pack import Pack


def territory_comparison(pack: Pack, iid: str, highlight: str | None = None) -> pd.DataFrame:
    """Every territory and the département on one indicator, for a bar chart.

    Columns: ``code``, ``nom``, ``valeur``, ``texte``, ``groupe`` (``Territoire
    choisi`` / ``Autres territoires`` / ``Département``).
    """
    vals = pack.values("territoire")[iid]
    rows = []
    for t in pack.territoires:
        grp = "Territoire choisi" if t.id == highlight else "Autres territoires"
        rows.append((t.id, t.nom, vals.get(t.id, math.nan), grp))
    dep = pack.values("departement")[iid].iloc[0]
    if shows_reference(pack.indicator(iid)):
        rows.append((pack.config.dep, f"{pack.config.dep_nom} ({pack.config.ensemble.mot})", dep,
                     pack.config.ensemble.Mot))
    df = pd.DataFrame(rows, columns=["code", "nom", "valeur", "groupe"])
    df["texte"] = [fmt_ind(pack, iid, v, "territoire") for v in df["valeur"]]
    return df


def population_series(pack: Pack, level: str, codes) -> pd.DataFrame:
    """Population by census year for units of a level (long format).

    Columns: ``code``, ``nom``, ``annee`` (int), ``population``, ``texte``, ``millesime``.
    """
    vals = pack.values(level)
    ids = population_ids(pack)
    names = pack.table(level).set_index("code")["nom"]
    rows = []
    for code in codes:
        for i in ids:
            v = vals.at[code, i] if code in vals.index else math.nan
            rows.append((code, str(names.get(code, code)), pack.indicator(i).annee, v, fmt_value(v, "hab."),
                         pack.indicator(i).vintage))
    return pd.DataFrame(rows, columns=["code", "nom", "annee", "population", "texte", "millesime"])


def population_with_reference(pack: Pack, tid: str, with_departement: bool = True) -> pd.DataFrame:
    """Population series of a territory, and of the département if asked."""
    frames = [population_series(pack, "territoire", [tid])]
    if with_departement:
        dep = population_series(pack, "departement", [pack.config.dep])
        dep["nom"] = f"{pack.config.dep_nom} ({pack.config.ensemble.mot})"
        frames.append(dep)
    return pd.concat(frames, ignore_index=True)


def territory_communes(pack: Pack, tid: str) -> pd.DataFrame:
    """Communes of a territory (code, nom, epci_nom…), in name order."""
    c = pack.table("commune")
    return c[c["territoire"] == tid].sort_values("nom").reset_index(drop=True)


def ranking(pack: Pack, tid: str, iid: str) -> pd.DataFrame:
    """Communes of a territory ranked on an indicator (highest first, missing last).

    Columns: ``rang`` (1 = highest, NaN if missing), ``code``, ``nom``, ``epci_nom``,
    ``valeur``, ``texte``. A merged commune has one row where the source publishes it
    (:func:`commune_rows`).
    """
    c = commune_rows(pack, iid, tid)[["code", "nom", "epci_nom", "valeur"]]
    c = c.sort_values(["valeur", "nom"], ascending=[False, True], na_position="last")
    c["rang"] = c["valeur"].rank(ascending=False, method="min")
    c["texte"] = [fmt_ind(pack, iid, x, code=k) for x, k in zip(c["valeur"], c["code"], strict=True)]
    return c[["rang", "code", "nom", "epci_nom", "valeur", "texte"]].reset_index(drop=True)


def commune_values(pack: Pack, tid: str | None, iid: str) -> pd.DataFrame:
    """Commune values of an indicator (``code``, ``nom``, ``valeur``, ``texte``) for a map.

    ``tid`` None means every commune of the pack. A merged commune has one row where the
    source publishes it (:func:`commune_rows`).
    """
    out = commune_rows(pack, iid, tid)[["code", "nom", "valeur"]]
    out["texte"] = [fmt_ind(pack, iid, x, code=k) for x, k in zip(out["valeur"], out["code"], strict=True)]
    return out.reset_index(drop=True)


def compare_table(pack: Pack, level: str, codes, ids) -> pd.DataFrame:
    """Raw values of units side by side: one row per unit, one column per indicator label.

    Non-aggregable indicators are NaN above the commune level.
    """
    names = pack.table(level).set_index("code")["nom"]
    vals = pack.values(level).reindex(list(codes))
    out = pd.DataFrame({"Code": list(codes), "Nom": [str(names.get(c, c)) for c in codes]})
    for i in ids:
        out[pack.indicator(i).label] = vals[i].values if i in vals.columns else math.nan
    return out


def compare_display(pack: Pack, level: str, codes, ids) -> pd.DataFrame:
    """The same table with French-formatted text cells, plus a département row.

    The code column is kept for EPCI (SIREN), dropped for territories.
    """
    raw = compare_table(pack, level, codes, ids)
    dep = compare_table(pack, "departement", [pack.config.dep], ids)
    dep["Nom"] = f"{pack.config.dep_nom} ({pack.config.ensemble.mot})"
    out = pd.concat([raw, dep], ignore_index=True)
    for i in ids:
        lab = pack.indicator(i).label
        lvl = [level] * len(raw) + ["departement"]
        out[lab] = [fmt_ind(pack, i, x, lv) for x, lv in zip(out[lab], lvl, strict=True)]
    return out.drop(columns="Code") if level == "territoire" else out.rename(columns={"Code": "SIREN"})


def compare_export(pack: Pack, level: str, codes, ids, rounded: bool = True) -> pd.DataFrame:
    """Values for download: units then the département, headers with units.

    Rounded to each indicator's declared decimals, as the pages show them (``rounded=False``
    keeps the unrounded values). ``attrs["decimals"]`` maps each value column to its decimals
    (the XLSX number formats).
    """
    raw = compare_table(pack, level, codes, ids)
    dep = compare_table(pack, "departement", [pack.config.dep], ids)
    dep["Nom"] = f"{pack.config.dep_nom} ({pack.config.ensemble.mot})"
    out = pd.concat([raw, dep], ignore_index=True)
    labels, decimals = {}, {}
    for i in ids:
        ind = pack.indicator(i)
        labels[ind.label] = f"{ind.label} ({ind.unit})"
        decimals[labels[ind.label]] = ind.decimals
    out = out.rename(columns=labels)
    if rounded:
        out = round_values(out, decimals)
    out.attrs["decimals"] = decimals
    return out


def export_sources(pack: Pack, ids) -> pd.DataFrame:
    """Indicator, unit, source citation, vintage and definition of exported columns."""
    rows = [{"Indicateur": pack.indicator(i).label, "Unité": pack.indicator(i).unit,
             "Source": source_label(pack.indicator(i)), "Millésime": pack.indicator(i).vintage,
             "Définition": pack.indicator(i).definition} for i in ids]
    return pd.DataFrame(rows)


def shows_reference(ind: Indicator) -> bool:
    """Whether the département bar belongs on a chart of units: rates yes, counts no.

    A count (rule ``sum``) of the département dwarfs its parts and says nothing by comparison.
    """
    return not ind.is_count


def compare_long(pack: Pack, level: str, codes, iid: str) -> pd.DataFrame:
    """One indicator for the compared units plus, for rates, the département (bar chart)."""
    names = pack.table(level).set_index("code")["nom"]
    vals = pack.values(level)[iid]
    rows = [(c, str(names.get(c, c)), vals.get(c, math.nan), "Sélection") for c in codes]
    dep = pack.values("departement")[iid].iloc[0]
    if shows_reference(pack.indicator(iid)):
        rows.append((pack.config.dep, f"{pack.config.dep_nom} ({pack.config.ensemble.mot})", dep,
                     pack.config.ensemble.Mot))
    df = pd.DataFrame(rows, columns=["code", "nom", "valeur", "groupe"])
    df["texte"] = [fmt_ind(pack, iid, v, level if g != pack.config.ensemble.Mot else "departement")
                   for v, g in zip(df["valeur"], df["groupe"], strict=True)]
    return df


def units(pack: Pack, level: str) -> dict[str, str]:
    """Code → name of every unit of a level (territories in configuration order)."""
    if level == "territoire":
        return territory_options(pack)
    tab = pack.table(level).sort_values("nom")
    return dict(zip(tab["code"].astype(str), tab["nom"].astype(str), strict=True))
