"""Key figures, unit names and choices, and the pack's indicator lists at its latest vintages."""

from __future__ import annotations

from dataclasses import dataclass

from carnet.errors import lookup
from carnet.fiches.citations import source_label, source_short
from carnet.fiches.values import fmt_ind, value
from carnet.formatting import fmt_range
from carnet.indicators import latest_of_family
from carnet.pack import Pack


def unit_name(pack: Pack, level: str, code: str) -> str:
    """Name of a unit (commune, EPCI, territory, département)."""
    tab = pack.table(level)
    row = tab.loc[tab["code"] == code, "nom"]
    return str(row.iloc[0]) if len(row) else code


def territory_options(pack: Pack) -> dict[str, str]:
    """Territory id → name, in configuration order."""
    return {t.id: t.nom for t in pack.territoires}


def indicator_options(pack: Pack, aggregable_only: bool = False) -> dict[str, str]:
    """Indicator id → ``Thème — libellé``, in registry order."""
    return {
        i: f"{ind.theme} — {ind.label}"
        for i, ind in pack.indicators.items()
        if ind.aggregable or not aggregable_only
    }


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of a unit, with its comparison points, all formatted."""

    id: str
    label: str
    value: float
    text: str
    reference: str  # département value, formatted
    others: str  # "min – max" of the other territories, formatted ("" if n/a)
    source: str  # full citation
    definition: str
    source_short: str = ""  # "INSEE · RP 2022"


def key_figure(pack: Pack, level: str, code: str, iid: str) -> KeyFigure:
    """Key figure ``iid`` of unit ``code`` compared with the département and other territories."""
    ind = pack.indicator(iid)
    x = value(pack, level, code, iid)
    dep = pack.values("departement")[iid].iloc[0]
    others = ""
    if level == "territoire" and ind.aggregable:
        o = pack.values("territoire")[iid].drop(index=code, errors="ignore").dropna()
        if len(o):
            others = fmt_range(o.min(), o.max(), ind.unit, ind.decimals)
    return KeyFigure(
        id=iid, label=ind.label, value=x, text=fmt_ind(pack, iid, x, level),
        reference=fmt_ind(pack, iid, dep, "departement"), others=others,
        source=source_label(ind), definition=ind.definition,
        source_short=source_short(ind),
    )


def latest_vintage(pack: Pack, iid: str) -> str | None:
    """``iid`` if the pack has it, else the latest vintage in the pack of its ``famille``.

    ``pop_2022`` → ``pop_2021``, ``evol_pop_2016_2022`` → ``evol_pop_2015_2021`` (the Somme pack
    stops at 2021); ``iid`` may also be a family (``population``); None when no vintage of it
    exists.
    """
    return latest_of_family(pack.indicators, iid)


def atlas_ids(pack: Pack, key: str) -> list[str]:
    """The pack's indicator list ``key`` (``chiffres_cles``, ``fiche_commune``, ``comparaison``:
    see ``carnet/data/atlas.toml``), each at the latest vintage the pack has (absent ones skipped)."""
    return [i for i in dict.fromkeys(latest_vintage(pack, i) for i in pack.atlas.ids(key)) if i]


def summary_id(pack: Pack, key: str) -> str | None:
    """The summary's indicator ``key`` (``population``, ``evolution``, ``chomage``, ``revenu``)
    at the latest vintage the pack has, None if it has none."""
    return latest_vintage(pack, lookup(pack.atlas.summary, key, "Indicateur du résumé"))


def default_indicator(pack: Pack, options, key: str = "carte") -> str:
    """The first indicator of the pack's list ``key`` (``carte``, ``carte_commune``) among
    ``options``, else the first option."""
    return next((i for i in pack.atlas.ids(key) if i in options), next(iter(options)))


def population_ids(pack: Pack) -> list[str]:
    """The census populations of the population chart (``serie_population``) the pack has."""
    return [i for i in pack.atlas.ids("serie_population") if i in pack.indicators]


def key_figures(pack: Pack, level: str, code: str, ids=None) -> list[KeyFigure]:
    """Key figures of a unit (default: the pack's ``chiffres_cles``), each at the latest
    vintage the pack has (absent ones skipped)."""
    found = atlas_ids(pack, "chiffres_cles") if ids is None else [latest_vintage(pack, i) for i in ids]
    return [key_figure(pack, level, code, i) for i in dict.fromkeys(found) if i]
