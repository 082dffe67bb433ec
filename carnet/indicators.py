"""Indicator registry and aggregation engine.

Indicators are declared as data in ``carnet/data/indicateurs.toml``. Each belongs to a
``famille`` (the same quantity at several vintages: ``population``, ``taux_chomage``…) at
one ``annee`` (the last year its data describe), has a ``sens`` (:data:`SENS`: whether a
rise is good news) and an aggregation rule, dispatched through :data:`RULES`:

``sum``
    Σ var.
``ratio``
    (Σ num − Σ num_minus) / Σ den × scale. ``num`` and ``den`` may list several
    variables, summed. A rate is always a ratio of sums, never a mean of rates.
    With ``years``, the numerator is a count cumulated over that many years and is
    divided by it (a yearly rate: INSEE's ``NAIS1621`` cumulates the six years 2016-2021).
``growth``
    Annual change rate in %: ((Σ end / Σ start) ** (1 / years) − 1) × 100.
``weighted``
    Σ (var × weight) / Σ weight.
``none``
    Non-additive (medians, poverty rates): commune level only.

Every rule is computed from *sums* of raw variables, so the same function gives
the commune value (a group of one) and the EPCI, territory and département
values. A group sum is missing ("non publié") as soon as one of its communes is
missing for that variable, unless the commune's value was absorbed by a commune
merger (its data are carried by the merged commune of the same group).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from carnet.errors import ConfigError, lookup

REGISTRY_FILE = Path(__file__).parent / "data" / "indicateurs.toml"
LEVELS = ("commune", "epci", "territoire", "departement")


def _as_list(v) -> tuple[str, ...]:
    if v is None:
        return ()
    return (v,) if isinstance(v, str) else tuple(v)


@dataclass(frozen=True)
class Indicator:
    """One indicator of the registry."""

    id: str
    label: str
    unit: str
    theme: str
    source: str
    vintage: str
    definition: str
    rule: str
    famille: str = ""
    annee: int = 0
    sens: str = "neutre"
    decimals: int = 0
    var: str | None = None
    num: tuple[str, ...] = ()
    num_minus: tuple[str, ...] = ()
    den: tuple[str, ...] = ()
    scale: float = 1.0
    start: str | None = None
    end: str | None = None
    years: int | None = None
    weight: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def variables(self) -> tuple[str, ...]:
        """Raw variables this indicator needs."""
        vs = [self.var, *self.num, *self.num_minus, *self.den, self.start, self.end, self.weight]
        return tuple(dict.fromkeys(v for v in vs if v))

    @property
    def sources(self) -> set[str]:
        """Source ids behind the variables (``derive`` variables use :attr:`source`)."""
        out = {v.split(":", 1)[0] for v in self.variables}
        if "derive" in out:
            out.discard("derive")
            out.add(self.source)
        return out

    @property
    def aggregable(self) -> bool:
        return lookup(RULES, self.rule, "Règle d'agrégation").aggregable

    @property
    def is_count(self) -> bool:
        """A count (rule ``sum``): its département total dwarfs its parts."""
        return lookup(RULES, self.rule, "Règle d'agrégation").count

    @property
    def rule_label(self) -> str:
        """How the indicator aggregates, in French (``Rapport des sommes…``)."""
        return lookup(RULES, self.rule, "Règle d'agrégation").label

    def compute(self, sums: pd.DataFrame) -> pd.Series:
        """Compute this indicator from a frame of (group) sums of raw variables."""
        return lookup(RULES, self.rule, "Règle d'agrégation").compute(self, sums)


def _total(sums: pd.DataFrame, names) -> pd.Series:
    cols = list(names)
    return sums[cols].sum(axis=1, min_count=len(cols)) if len(cols) > 1 else sums[cols[0]]


def _sum(ind, s):
    return s[ind.var]


def _ratio(ind, s):
    num = _total(s, ind.num)
    if ind.num_minus:
        num = num - _total(s, ind.num_minus)
    if ind.years:
        num = num / ind.years
    den = _total(s, ind.den)
    return (num / den.where(den != 0)) * ind.scale


def _growth(ind, s):
    start, end = s[ind.start], s[ind.end]
    ratio = end / start.where(start > 0)
    return (np.power(ratio, 1.0 / ind.years) - 1.0) * 100.0


def _weighted(ind, s):
    w = s[ind.weight]
    return s[weighted_product(ind)] / w.where(w != 0)


def _none(ind, s):
    return s[ind.var]


@dataclass(frozen=True)
class Rule:
    """One aggregation rule: how to compute it, what it needs, how to say it."""

    compute: object
    needs: tuple[str, ...]
    label: str
    aggregable: bool = True
    count: bool = False


RULES = {
    "sum": Rule(_sum, ("var",), "Somme des communes", count=True),
    "ratio": Rule(_ratio, ("num", "den"), "Rapport des sommes (jamais une moyenne de taux)"),
    "growth": Rule(_growth, ("start", "end", "years"), "Taux annuel moyen calculé sur les sommes"),
    "weighted": Rule(_weighted, ("var", "weight"), "Moyenne pondérée"),
    "none": Rule(_none, ("var",), "Non agrégeable : commune seulement", aggregable=False),
}

SENS = {
    "hausse_favorable": "Une hausse est favorable",
    "baisse_favorable": "Une baisse est favorable",
    "neutre": "Ni hausse ni baisse n'est favorable en soi",
}
"""Direction of an indicator: whether a rise is good news (the revoyure and the needs index)."""


def weighted_product(ind: Indicator) -> str:
    """Name of the helper variable var × weight used by the ``weighted`` rule."""
    return f"{ind.var}*{ind.weight}"


def _parse(iid: str, spec: dict) -> Indicator:
    spec = dict(spec)
    known = set(Indicator.__dataclass_fields__) - {"id", "extra"}
    extra = {k: spec.pop(k) for k in list(spec) if k not in known}
    for k in ("num", "num_minus", "den"):
        spec[k] = _as_list(spec.get(k))
    absent = [k for k in ("famille", "annee", "sens") if k not in spec]
    if absent:
        raise ConfigError(f"Indicateur {iid} : champ(s) manquant(s) {', '.join(absent)}")
    ind = Indicator(id=iid, extra=extra, **spec)
    if ind.rule not in RULES:
        raise ConfigError(
            f"Indicateur {iid} : règle {ind.rule!r} inconnue (valeurs : {', '.join(RULES)})"
        )
    if ind.sens not in SENS:
        raise ConfigError(
            f"Indicateur {iid} : sens {ind.sens!r} inconnu (valeurs : {', '.join(SENS)})"
        )
    if not isinstance(ind.famille, str) or not ind.famille.strip():
        raise ConfigError(f"Indicateur {iid} : famille vide")
    if isinstance(ind.annee, bool) or not isinstance(ind.annee, int) or not 1900 <= ind.annee <= 2100:
        raise ConfigError(f"Indicateur {iid} : année {ind.annee!r} invalide (un entier, ex. 2022)")
    missing = [k for k in RULES[ind.rule].needs if not getattr(ind, k)]
    if missing:
        raise ConfigError(f"Indicateur {iid} : champ(s) manquant(s) {', '.join(missing)}")
    return ind


@cache
def registry(path: Path = REGISTRY_FILE) -> dict[str, Indicator]:
    """Return every indicator of the registry file, by id (in file order)."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return {iid: _parse(iid, spec) for iid, spec in raw.items()}


def get_indicator(iid: str) -> Indicator:
    """Return indicator ``iid``; an unknown id lists the valid ones."""
    return lookup(registry(), iid, "Indicateur")


def latest_of_family(indicators, key: str) -> str | None:
    """The id of the latest vintage, among ``indicators``, of the family of ``key``.

    ``key`` is an indicator id (``pop_2022``: its ``famille`` is looked up in the registry)
    or a family name (``population``). ``indicators`` maps ids to :class:`Indicator` (a
    pack's indicators). ``key`` itself when present; None when no vintage of the family is
    there (the Somme pack has ``pop_2021`` but no ``pop_2022``).
    """
    if key in indicators:
        return key
    reg = registry()
    famille = reg[key].famille if key in reg else key
    same = [i for i, ind in indicators.items() if ind.famille == famille]
    return max(same, key=lambda i: indicators[i].annee) if same else None


def vintage_of(indicators, famille: str, annee: int) -> str | None:
    """The id, among ``indicators``, of family ``famille`` at year ``annee`` (None if absent)."""
    return next((i for i, ind in indicators.items()
                 if ind.famille == famille and ind.annee == annee), None)


def needed_variables(indicators) -> list[str]:
    """Every raw variable needed by ``indicators`` (weighted products excluded)."""
    return list(dict.fromkeys(v for ind in indicators for v in ind.variables))


def add_products(values: pd.DataFrame, indicators) -> pd.DataFrame:
    """Add the var × weight columns the ``weighted`` rule sums."""
    values = values.copy()
    for ind in indicators:
        if ind.rule == "weighted":
            values[weighted_product(ind)] = values[ind.var] * values[ind.weight]
    return values


def group_sums(values: pd.DataFrame, groups: pd.Series, absorbed: pd.DataFrame | None = None
               ) -> pd.DataFrame:
    """Sum raw variables by group; a group with a missing commune value is missing.

    Parameters
    ----------
    values : DataFrame
        Raw variables, one row per commune (index: commune code).
    groups : Series
        Group key of each commune (same index).
    absorbed : DataFrame of bool, optional
        True where a commune's value is carried by another commune of the
        same group after a merger: such a blank does not make the group missing.
    """
    valid = values.notna()
    if absorbed is not None:
        valid = valid | absorbed.reindex_like(values).fillna(False).astype(bool)
    sums = values.fillna(0.0).groupby(groups, sort=True).sum()
    complete = valid.groupby(groups, sort=True).all()
    return sums.where(complete)


def compute(indicators, sums: pd.DataFrame) -> pd.DataFrame:
    """Compute indicators (columns) for every row of a frame of sums."""
    out = {ind.id: ind.compute(sums) for ind in indicators}
    return pd.DataFrame(out, index=sums.index)


def aggregate(indicators, values: pd.DataFrame, groups: pd.Series,
              absorbed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Indicator values by group, from commune-level raw variables.

    Non-aggregable indicators (rule ``none``) are missing at group level.
    """
    indicators = list(indicators)
    values = add_products(values, indicators)
    if absorbed is not None:
        absorbed = absorbed.copy()
        for ind in indicators:
            if ind.rule == "weighted":
                absorbed[weighted_product(ind)] = absorbed[ind.var] | absorbed[ind.weight]
    sums = group_sums(values, groups, absorbed)
    out = compute(indicators, sums)
    for ind in indicators:
        if not ind.aggregable:
            out[ind.id] = np.nan
    return out
