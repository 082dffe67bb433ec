"""Needs vs projects (issue #10 §3): a needs score per commune beside the contract's projects.

The method, stated on the page by :func:`method_text` from the same constants the code uses:

1. indicators picked by the user (default: ``carnet/data/besoins.toml``, the pack's latest
   vintage of each family);
2. for each, z = (x − mean) / standard deviation (population sd, ``ddof = 0``) over the
   reference communes where x is published (:func:`signed_zscores`); the sign is flipped
   where a lower value means more need (:func:`need_direction`: ``sens =
   hausse_favorable``, or the registry's ``[sens_du_besoin]``);
3. need score = mean of the signed z over the indicators published for the commune; fewer
   than half published: no score, « non calculable » (:func:`need_scores`);
4. projects per 10 000 inhabitants and Département € per inhabitant, from the projects
   registry grouped by commune, abandoned projects excluded (:func:`project_counts`);
5. quadrants: need above / not above the median × projects above / not above the median
   (:func:`quadrants`), « besoin élevé, peu de projets » first;
6. sensitivity: for each indicator, how many of the top-10 communes stay top-10 when it is
   dropped (:func:`sensitivity`).

Every function but the ``*_pack`` adapters works on plain frames. Communes merged since the
reference COG are handled as the fiches do (:func:`carnet.fiches.merged.commune_rows`): for
an indicator whose source publishes the merged commune, the merged commune is one unit
(key ``59006@2025``) and its former communes are not published; older sources keep the
former communes. A value not published is missing (never 0) and counts as such.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from carnet.errors import CarnetError, ConfigError, lookup
from carnet.indicators import Indicator, latest_of_family

REGISTRY_FILE = Path(__file__).resolve().parents[1] / "data" / "besoins.toml"

#: Standard deviation of the z-scores: the population one (``ddof = 0``).
DDOF = 0
#: A commune gets a score when at least this share of the indicators is published.
MIN_SHARE = 0.5
#: Status of the projects left out of the counts.
EXCLUDED_STATUS = "abandonne"
#: Projects are counted per this many inhabitants.
PER = 10_000
NON_CALCULABLE = "non calculable"
REFERENCES = {"territoire": "les communes du territoire", "pack": "toutes les communes du pack"}

#: Quadrants, in the order the table lists them.
HIGH_FEW = "besoin élevé, peu de projets"
HIGH_MANY = "besoin élevé, projets plus nombreux"
LOW_FEW = "besoin moindre, peu de projets"
LOW_MANY = "besoin moindre, projets plus nombreux"
UNCLASSED = "non classée"
QUADRANTS = (HIGH_FEW, HIGH_MANY, LOW_FEW, LOW_MANY, UNCLASSED)

#: Directions of need: +1 a higher value means more need, -1 a lower value (sign flipped).
DIRECTIONS = {"hausse": 1, "baisse": -1}


# ------------------------------------------------------------------------ registry


@dataclass(frozen=True)
class Registry:
    """``carnet/data/besoins.toml``: defaults, directions of need, population, top."""

    familles: tuple[str, ...]
    sens: dict[str, tuple[int, str]] = field(default_factory=dict)
    top: int = 10
    population: str = "population"


@cache
def registry(path: Path = REGISTRY_FILE) -> Registry:
    """Read the needs registry (:class:`Registry`); a malformed file raises :class:`ConfigError`."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    sens = {}
    for famille, spec in raw.get("sens_du_besoin", {}).items():
        besoin = spec.get("besoin")
        if besoin not in DIRECTIONS:
            raise ConfigError(f"{path} : [sens_du_besoin.{famille}] besoin {besoin!r} inconnu "
                              f"(valeurs : {', '.join(DIRECTIONS)})")
        sens[famille] = (DIRECTIONS[besoin], str(spec.get("motif", "")))
    methode = raw.get("methode", {})
    top = methode.get("top", 10)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ConfigError(f"{path} : [methode] top {top!r} invalide (un entier ≥ 1)")
    return Registry(familles=tuple(raw.get("defaut", {}).get("familles", ())), sens=sens,
                    top=top, population=str(methode.get("population", "population")))


def need_direction(ind: Indicator, reg: Registry | None = None) -> int:
    """+1 if a higher value of ``ind`` means more need, -1 if a lower one does (sign flipped).

    The registry's ``[sens_du_besoin]`` decides for the families it lists; otherwise the
    sign is flipped exactly for ``sens = "hausse_favorable"`` (a rise is good news: income).
    """
    reg = reg or registry()
    if ind.famille in reg.sens:
        return reg.sens[ind.famille][0]
    return -1 if ind.sens == "hausse_favorable" else 1


def direction_text(ind: Indicator, reg: Registry | None = None) -> str:
    """« plus élevé = plus de besoin » / « plus bas = plus de besoin (signe inversé) », with reason."""
    reg = reg or registry()
    d = need_direction(ind, reg)
    text = "plus élevé = plus de besoin" if d > 0 else "plus bas = plus de besoin (signe inversé)"
    motif = reg.sens.get(ind.famille, (0, ""))[1]
    return f"{text} : {motif}" if motif else text


def default_indicators(indicators: Mapping[str, Indicator], reg: Registry | None = None
                       ) -> list[str]:
    """The latest vintage, among ``indicators`` (a pack's), of each default family.

    A family the pack lacks is left out (see :func:`missing_defaults`).
    """
    reg = reg or registry()
    out = []
    for famille in reg.familles:
        iid = latest_of_family(indicators, famille)
        if iid is not None and iid not in out:
            out.append(iid)
    return out


def missing_defaults(indicators: Mapping[str, Indicator], reg: Registry | None = None
                     ) -> list[str]:
    """Default families with no vintage among ``indicators``."""
    reg = reg or registry()
    return [f for f in reg.familles if latest_of_family(indicators, f) is None]


def check_indicators(indicators: Mapping[str, Indicator], iids: Sequence[str]) -> list[str]:
    """``iids`` checked against a pack's ``indicators`` (duplicates dropped, order kept).

    Raises
    ------
    CarnetError
        No indicator, or an unknown one (the message lists the valid ids).
    """
    out = []
    for iid in iids:
        iid = str(iid).strip()
        if not iid:
            continue
        lookup(indicators, iid, "Indicateur")
        if iid not in out:
            out.append(iid)
    if not out:
        raise CarnetError("Aucun indicateur choisi : le score de besoin en demande au moins un.")
    return out


# ----------------------------------------------------------------------- the method


def signed_zscores(values: pd.DataFrame, directions: Mapping[str, int]) -> pd.DataFrame:
    """Signed z-score of every column over the rows where it is published.

    Parameters
    ----------
    values : DataFrame
        One row per reference commune, one column per indicator; NaN = not published.
    directions : mapping
        Column → +1 (higher means more need) or -1 (lower means more need: sign flipped).

    Returns
    -------
    DataFrame
        ``direction × (x − mean) / sd`` with the mean and the population standard
        deviation (``ddof = 0``) of the published values of the column; NaN where x is not
        published. A column whose published values are all equal (sd = 0) gives 0 on them:
        no commune stands out.
    """
    out = {}
    for col in values.columns:
        x = pd.to_numeric(values[col], errors="coerce").astype(float)
        x = x.where(np.isfinite(x))
        published = x.dropna()
        mean = published.mean()
        sd = published.std(ddof=DDOF)
        z = (x - mean) / sd if sd > 0 else x * 0.0
        out[col] = z * int(directions[col])
    return pd.DataFrame(out, index=values.index)


def min_published(n: int) -> int:
    """Indicators a commune needs published to get a score: at least half of ``n``."""
    return math.ceil(MIN_SHARE * n)


def need_scores(z: pd.DataFrame) -> pd.DataFrame:
    """Need score of every row: mean of its published signed z.

    Returns
    -------
    DataFrame
        ``publies`` (indicators published for the row), ``score`` (NaN, « non
        calculable », when fewer than half of the columns are published).
    """
    n = z.notna().sum(axis=1).astype(int)
    score = z.mean(axis=1, skipna=True).where(n >= min_published(z.shape[1]))
    return pd.DataFrame({"publies": n, "score": score}, index=z.index)


def ranks(score: pd.Series) -> pd.Series:
    """Rank of each score, 1 = the highest need; ties share the best rank; NaN has none."""
    return score.rank(ascending=False, method="min", na_option="keep").astype("Int64")


def top_keys(score: pd.Series, k: int) -> list:
    """The ``k`` rows of highest score (ties broken by index order), without missing ones."""
    s = score.dropna()
    order = s.reset_index()
    order.columns = ["cle", "score"]
    order = order.sort_values(["score", "cle"], ascending=[False, True], kind="stable")
    return list(order["cle"].head(k))


def sensitivity(z: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """For each indicator, how many of the top-``k`` communes stay top-``k`` without it.

    The score is recomputed without the column (same half rule over the remaining ones).

    Returns
    -------
    DataFrame
        ``indicateur``, ``restent`` (communes of the top that stay), ``sur`` (size of the
        top: ``k``, or fewer scored communes).
    """
    base = top_keys(need_scores(z)["score"], k)
    rows = []
    for col in z.columns:
        rest = z.drop(columns=col)
        if rest.shape[1] == 0:
            rows.append({"indicateur": col, "restent": pd.NA, "sur": len(base)})
            continue
        new = top_keys(need_scores(rest)["score"], k)
        rows.append({"indicateur": col, "restent": len(set(base) & set(new)), "sur": len(base)})
    out = pd.DataFrame(rows, columns=["indicateur", "restent", "sur"])
    out["restent"] = out["restent"].astype("Int64")
    return out


def project_counts(projects: pd.DataFrame, unit_of: Mapping[str, str] | None = None
                   ) -> pd.DataFrame:
    """Projects per unit: count, Département participation, projects without an amount.

    Parameters
    ----------
    projects : DataFrame
        The registry's projects (``commune``, ``statut``, ``participation_cd``: the frame of
        :meth:`carnet.projets.repository.ProjetRepository.dataframe`). Abandoned projects
        (:data:`EXCLUDED_STATUS`) and projects without a commune are not counted.
    unit_of : mapping, optional
        Commune code → unit key (a merged commune's former communes → its key); a code
        absent from it is its own key.

    Returns
    -------
    DataFrame
        Indexed by unit key: ``projets``, ``participation_cd`` (sum of the given amounts;
        NaN when one of the unit's projects has none: an unknown amount is not 0),
        ``sans_montant`` (projects without a Département amount).
    """
    cols = ["projets", "participation_cd", "sans_montant"]
    if projects is None or projects.empty:
        return pd.DataFrame(columns=cols, dtype=float)
    p = projects[projects["statut"].fillna("") != EXCLUDED_STATUS]
    p = p[p["commune"].notna() & (p["commune"].astype(str).str.strip() != "")]
    keys = p["commune"].astype(str).map(lambda c: (unit_of or {}).get(c, c))
    amount = pd.to_numeric(p["participation_cd"], errors="coerce").astype(float)
    g = pd.DataFrame({"cle": keys.values, "montant": amount.values})
    grouped = g.groupby("cle", sort=True)
    out = pd.DataFrame({
        "projets": grouped.size().astype(int),
        "participation_cd": grouped["montant"].sum(min_count=1),
        "sans_montant": grouped["montant"].apply(lambda s: int(s.isna().sum())).astype(int),
    })
    out.loc[out["sans_montant"] > 0, "participation_cd"] = np.nan
    return out


def excluded_counts(projects: pd.DataFrame) -> dict[str, int]:
    """Projects left out of :func:`project_counts`: ``abandonnes``, ``sans_commune``."""
    if projects is None or projects.empty:
        return {"abandonnes": 0, "sans_commune": 0}
    abandoned = projects["statut"].fillna("") == EXCLUDED_STATUS
    no_commune = projects["commune"].isna() | (projects["commune"].astype(str).str.strip() == "")
    return {"abandonnes": int(abandoned.sum()), "sans_commune": int((~abandoned & no_commune).sum())}


def quadrants(score: pd.Series, per_10000: pd.Series, reference: pd.Index | None = None
              ) -> tuple[pd.Series, float, float]:
    """Quadrant of each row: need above the median or not × projects above the median or not.

    Medians over the ``reference`` rows (all rows when None) that have a value: « élevé »
    and « plus nombreux » mean strictly above the median. A row without a score or without
    a number of projects per inhabitant is :data:`UNCLASSED`.

    Returns
    -------
    (Series, float, float)
        Quadrant labels, the median score and the median projects per 10 000 inhabitants.
    """
    ref = score.index if reference is None else reference
    m_need = float(score.reindex(ref).median())
    m_proj = float(per_10000.reindex(ref).median())
    high = score > m_need
    many = per_10000 > m_proj
    label = np.where(high, np.where(many, HIGH_MANY, HIGH_FEW), np.where(many, LOW_MANY, LOW_FEW))
    out = pd.Series(label, index=score.index, dtype=object)
    out[score.isna() | per_10000.isna()] = UNCLASSED
    return out, m_need, m_proj


def need_classes(score: pd.Series, reference: pd.Index | None = None) -> tuple[pd.Series, list[float]]:
    """Three need classes: terciles of the reference scores (0 lowest need); -1 no score.

    Returns the classes and the two bounds (each the upper limit, inclusive, of its class).
    """
    ref = score.reindex(score.index if reference is None else reference).dropna()
    if ref.empty:
        return pd.Series(-1, index=score.index, dtype=int), []
    bounds = [float(ref.quantile(1 / 3)), float(ref.quantile(2 / 3))]
    cls = np.where(score <= bounds[0], 0, np.where(score <= bounds[1], 1, 2))
    out = pd.Series(cls, index=score.index, dtype=int)
    out[score.isna()] = -1
    return out, bounds


def project_classes(per_10000: pd.Series, reference: pd.Index | None = None
                    ) -> tuple[pd.Series, float | None]:
    """Three project classes: 0 no project, 1 up to the median of the reference communes that
    have projects, 2 above it; -1 unknown (no population). Returns the classes and that median."""
    ref = per_10000.reindex(per_10000.index if reference is None else reference)
    positive = ref[ref > 0]
    median = float(positive.median()) if len(positive) else None
    above = per_10000 > median if median is not None else per_10000 * 0 > 0
    cls = np.where(per_10000 <= 0, 0, np.where(above, 2, 1))
    out = pd.Series(cls, index=per_10000.index, dtype=int)
    out[per_10000.isna()] = -1
    return out, median


# ------------------------------------------------------------------------ analysis


@dataclass
class Besoins:
    """Result of :func:`analyse`.

    Attributes
    ----------
    table : DataFrame
        One row per listed commune, indexed by unit key, sorted by quadrant (« besoin
        élevé, peu de projets » first) then rank: ``code``, ``nom``, the indicator values,
        ``z_<id>``, ``publies``, ``score``, ``rang``, ``projets``, ``sans_montant``,
        ``participation_cd``, ``population``, ``projets_pour_10000``,
        ``euros_par_habitant``, ``quadrant``, ``classe_besoin``, ``classe_projets``.
    sensitivity : DataFrame
        :func:`sensitivity` of the listed communes.
    indicators : list of str
        Indicator ids, in the order used.
    directions : dict
        Indicator id → +1 / -1 (:func:`need_direction`).
    stats : DataFrame
        Per indicator: ``moyenne``, ``ecart_type`` (ddof = 0) and ``publiees`` (reference
        communes where it is published).
    medians, bounds : dict
        ``score`` and ``projets_pour_10000`` medians; need terciles and the project median.
    n_reference : int
        Number of reference communes.
    top : int
        Size of the top of the sensitivity analysis.
    reference : str
        A key of :data:`REFERENCES` (``pack`` when no territory is listed).
    """

    table: pd.DataFrame
    sensitivity: pd.DataFrame
    indicators: list[str]
    directions: dict[str, int]
    stats: pd.DataFrame
    medians: dict[str, float]
    bounds: dict[str, object]
    n_reference: int
    top: int = 10
    reference: str = "territoire"

    def ranked(self) -> pd.DataFrame:
        """The table sorted by rank (no score last, by code)."""
        t = self.table.copy()
        t["_r"] = t["rang"].astype("Float64").fillna(np.inf)
        return t.sort_values(["_r", "code"], kind="stable").drop(columns="_r")


def analyse(values: pd.DataFrame, directions: Mapping[str, int], population: pd.Series,
            counts: pd.DataFrame, *, listed: pd.Index | None = None, names: pd.Series | None = None,
            codes: pd.Series | None = None, statuts: pd.Series | None = None, top: int = 10
            ) -> Besoins:
    """The whole method on frames.

    Parameters
    ----------
    values : DataFrame
        Indicator values (columns) of the *reference* communes (rows, indexed by unit key).
    directions : mapping
        Column → +1 / -1.
    population : Series
        Latest population by unit key (for the per-inhabitant figures).
    counts : DataFrame
        :func:`project_counts` by unit key.
    listed : Index, optional
        The communes shown and ranked (a subset of the reference; all of it when None).
    names, codes, statuts : Series, optional
        Name, INSEE code and status (« commune », « fusionnée dans … ») by unit key
        (default: the key, the key, « commune »).
    top : int
        Size of the top followed by the sensitivity analysis.
    """
    ref = values.index
    listed = ref if listed is None else pd.Index([k for k in listed if k in set(ref)])
    z = signed_zscores(values, directions)
    scores = need_scores(z)
    published = values.apply(pd.to_numeric, errors="coerce")
    stats = pd.DataFrame({
        "moyenne": published.mean(),
        "ecart_type": published.std(ddof=DDOF),
        "publiees": published.notna().sum().astype(int),
    })
    pop = population.reindex(ref).astype(float)
    pop = pop.where(pop > 0)
    c = counts.reindex(ref)
    n_proj = c["projets"].fillna(0).astype(int) if "projets" in c else pd.Series(0, index=ref)
    no_amount = c["sans_montant"].fillna(0).astype(int) if "sans_montant" in c else n_proj * 0
    cd = c["participation_cd"].astype(float) if "participation_cd" in c else pd.Series(np.nan, index=ref)
    cd = cd.where(n_proj > 0, 0.0)  # no project: a true zero
    per = n_proj / pop * PER
    euros = cd / pop
    quad, m_need, m_proj = quadrants(scores["score"], per, ref)
    ncls, nb = need_classes(scores["score"], ref)
    pcls, pm = project_classes(per, ref)

    t = pd.DataFrame(index=ref)
    t["code"] = (codes.reindex(ref) if codes is not None else pd.Series(ref, index=ref)).astype(str)
    t["nom"] = (names.reindex(ref) if names is not None else pd.Series(ref, index=ref)).astype(str)
    t["statut"] = (statuts.reindex(ref).fillna("commune") if statuts is not None
                   else pd.Series("commune", index=ref)).astype(str)
    for col in values.columns:
        t[col] = published[col]
    for col in values.columns:
        t[f"z_{col}"] = z[col]
    t["publies"] = scores["publies"]
    t["score"] = scores["score"]
    t["projets"] = n_proj
    t["sans_montant"] = no_amount
    t["participation_cd"] = cd
    t["population"] = pop
    t["projets_pour_10000"] = per
    t["euros_par_habitant"] = euros
    t["quadrant"] = quad
    t["classe_besoin"] = ncls
    t["classe_projets"] = pcls
    t = t.loc[listed]
    t["rang"] = ranks(t["score"])
    order = t["quadrant"].map({q: i for i, q in enumerate(QUADRANTS)})
    t = t.assign(_q=order, _r=t["rang"].astype("Float64").fillna(np.inf)).sort_values(
        ["_q", "_r", "code"], kind="stable").drop(columns=["_q", "_r"])
    sens = sensitivity(z.loc[listed], top)
    return Besoins(table=t, sensitivity=sens, indicators=list(values.columns),
                   directions={k: int(v) for k, v in directions.items()}, stats=stats,
                   medians={"score": m_need, "projets_pour_10000": m_proj},
                   bounds={"besoin": nb, "projets": pm}, n_reference=len(ref), top=top)


# ------------------------------------------------------------------- pack adapters


def unit_frame(pack, iids: Sequence[str]) -> pd.DataFrame:
    """Every unit of the pack for ``iids``, merged communes as the fiches show them.

    Returns
    -------
    DataFrame
        Indexed by unit key (the INSEE code; ``59006@2025`` for a merged commune's own
        row): ``code``, ``nom``, ``territoire``, ``fusion``, ``statut`` (« commune »,
        « commune nouvelle (2025) », « fusionnée dans … », as the exports say) and one column per indicator
        (NaN where its source does not publish the unit).
    """
    from carnet.fiches.merged import commune_rows, merged_key, merged_note, merged_year

    notes = {m: merged_note(pack, new)
             for new, members in (pack.diagnostics.get("fusions") or {}).items() for m in members}
    ident: dict[str, dict] = {}
    cols: dict[str, dict] = {}
    for iid in iids:
        rows = commune_rows(pack, iid)
        vals = {}
        for r in rows.itertuples(index=False):
            key = merged_key(pack, r.code) if r.fusion else r.code
            year = merged_year(pack, r.code) if r.fusion else None
            statut = (f"commune nouvelle ({year})" if year else "commune nouvelle") if r.fusion \
                else notes.get(r.code, "commune")
            ident.setdefault(key, {"code": r.code, "nom": r.nom, "territoire": r.territoire,
                                   "fusion": bool(r.fusion), "statut": statut})
            vals[key] = r.valeur
        cols[iid] = vals
    frame = pd.DataFrame.from_dict(ident, orient="index")
    for iid in iids:
        frame[iid] = pd.Series(cols[iid], dtype=float)
    frame.index.name = "cle"
    return frame.sort_values("code", kind="stable")


def population_of(pack, frame: pd.DataFrame, reg: Registry | None = None) -> tuple[pd.Series, str | None]:
    """Latest population of every unit of ``frame`` and the indicator it comes from.

    A merged commune whose own population is not published gets the sum of its former
    communes' (a count adds up), missing if one of them is.
    """
    from carnet.fiches.merged import merged_members

    reg = reg or registry()
    iid = latest_of_family(pack.indicators, reg.population)
    if iid is None:
        return pd.Series(np.nan, index=frame.index), None
    own = unit_frame(pack, [iid])[iid]
    pop = own.reindex(frame.index)
    values = pack.values("commune")[iid]
    for key in frame.index[frame["fusion"].astype(bool)]:
        if pd.isna(pop.get(key)):
            members = merged_members(pack, frame.at[key, "code"])
            pop[key] = values.reindex(members).sum(min_count=len(members)) if members else np.nan
    return pop.astype(float), iid


def unit_of_codes(frame: pd.DataFrame, pack) -> dict[str, str]:
    """Commune code → unit key: a former commune absent from ``frame`` → its merged commune."""
    from carnet.fiches.merged import merged_members

    out = {}
    for key in frame.index[frame["fusion"].astype(bool)]:
        for m in merged_members(pack, frame.at[key, "code"]):
            if m not in frame.index:
                out[m] = key
    return out


def analyse_pack(pack, projects: pd.DataFrame | None, territoire: str | None = None,
                 iids: Sequence[str] | None = None, reference: str = "territoire") -> Besoins:
    """:func:`analyse` on a pack: its communes, the registry's projects.

    Parameters
    ----------
    pack : carnet.pack.Pack
    projects : DataFrame or None
        The registry's projects of the pack (abandoned ones are dropped here).
    territoire : str, optional
        The contract territory whose communes are listed (every commune when None).
    iids : sequence of str, optional
        Indicators (default: :func:`default_indicators`).
    reference : {"territoire", "pack"}
        The communes the z-scores, medians and classes are computed over (always the
        pack's when ``territoire`` is None).

    Raises
    ------
    CarnetError
        Unknown territory, indicator or reference (French message listing the valid ones).
    """
    reg = registry()
    lookup(REFERENCES, reference, "Choix de référence")
    if territoire is not None:
        lookup({t.id: t for t in pack.territoires}, territoire, "Territoire")
    if iids is None:
        iids = default_indicators(pack.indicators, reg)
    iids = check_indicators(pack.indicators, iids)
    frame = unit_frame(pack, iids)
    # a unit none of the indicators' sources publishes is not a commune of this analysis
    frame = frame[frame[iids].notna().any(axis=1) | ~frame["fusion"]]
    listed = frame.index if territoire is None else frame.index[frame["territoire"] == territoire]
    ref = listed if reference == "territoire" else frame.index
    pop, _ = population_of(pack, frame, reg)
    counts = project_counts(projects if projects is not None else pd.DataFrame(),
                            unit_of_codes(frame, pack))
    directions = {i: need_direction(pack.indicator(i), reg) for i in iids}
    result = analyse(frame.loc[ref, iids], directions, pop, counts, listed=listed,
                     names=frame["nom"], codes=frame["code"], statuts=frame["statut"], top=reg.top)
    result.reference = reference if territoire is not None else "pack"
    return result


# ---------------------------------------------------------------------- the words


def method_text(pack, result: Besoins, reference: str | None = None,
                projects: pd.DataFrame | None = None) -> list[str]:
    """The method as the page states it (French Markdown items, no data string unescaped).

    Built from the same constants as the code (:data:`DDOF`, :data:`MIN_SHARE`,
    :data:`EXCLUDED_STATUS`, :data:`PER`, the registry's directions and top).
    """
    from carnet.formatting import fmt_int
    from carnet.projets.constants import STATUTS
    from carnet.text import md

    reg = registry()
    reference = reference or result.reference
    labels = [md(pack.indicator(i).label) for i in result.indicators]
    flipped = [md(pack.indicator(i).label) for i in result.indicators if result.directions[i] < 0]
    overrides = [f"{md(pack.indicator(i).label)} : {md(reg.sens[pack.indicator(i).famille][1])}"
                 for i in result.indicators if pack.indicator(i).famille in reg.sens]
    pop_id = latest_of_family(pack.indicators, reg.population)
    pop_label = md(pack.indicator(pop_id).label) if pop_id else "non disponible"
    n = len(result.indicators)
    excl = excluded_counts(projects) if projects is not None else None
    items = [
        f"Indicateurs retenus : {', '.join(labels)}.",
        f"Pour chaque indicateur, z = (x − moyenne) / écart-type, l'écart-type étant celui de la "
        f"population (ddof = {DDOF}), calculés sur les communes de référence "
        f"({REFERENCES[reference]}, {result.n_reference}) où la valeur est publiée.",
        "Le signe est inversé lorsqu'une valeur plus basse signale un besoin : indicateurs dont "
        "une hausse est favorable (sens « hausse_favorable », par exemple le revenu médian)"
        + (f" et, d'après le registre des besoins, {' ; '.join(overrides)}" if overrides else "")
        + (f". Ici : {', '.join(flipped)}." if flipped else ". Ici : aucun."),
        f"Score de besoin = moyenne des z signés sur les indicateurs publiés pour la commune ; une "
        f"commune dont moins de la moitié des indicateurs sont publiés (moins de "
        f"{min_published(n)} sur {n}) n'a pas de score (« {NON_CALCULABLE} »). Une valeur "
        "non publiée (secret statistique) n'est jamais comptée 0.",
        f"Projets pour {fmt_int(PER)} habitants (population : {pop_label}) et participation du "
        "Département en € par habitant : projets du registre regroupés par commune ; les projets "
        f"{STATUTS[EXCLUDED_STATUS].lower()}s sont exclus, les projets sans commune ne sont pas "
        "comptés ; une commune dont un projet n'a pas de montant n'a pas de montant par habitant.",
        f"Quadrants : besoin au-dessus de la médiane ou non × projets pour {fmt_int(PER)} habitants "
        "au-dessus de la médiane ou non (médianes des communes de référence, « au-dessus » "
        f"strictement) ; les communes « {HIGH_FEW} » sont listées en premier.",
        f"Sensibilité : pour chaque indicateur, combien des {result.top} premières communes "
        f"restent parmi les {result.top} premières quand on le retire.",
    ]
    if excl is not None:
        items.append(f"Projets non comptés : {excl['abandonnes']} abandonné(s), "
                     f"{excl['sans_commune']} sans commune.")
    return items


def export_table(result: Besoins, pack=None) -> pd.DataFrame:
    """The ranked table for a CSV: ``code``, ``nom``, ``statut``, ``score``, ``rang``, ``quadrant``,
    ``projets``, ``projets_pour_10000``, ``participation_cd``, ``euros_par_habitant``,
    ``publies`` and the indicator values (sorted by rank; values not rounded)."""
    t = result.ranked()
    cols = ["code", "nom", "statut", "score", "rang", "quadrant", "projets", "projets_pour_10000",
            "participation_cd", "euros_par_habitant", "publies", *result.indicators]
    return t[cols].reset_index(drop=True)


def cli_table(result: Besoins, rounded: bool = True) -> pd.DataFrame:
    """``code, nom, score, rang, projets, projets_pour_10000``, one row per commune, by rank.

    Rounded (score 3 decimals, projects per 10 000 2 decimals) unless ``rounded`` is False.
    """
    t = result.ranked()[["code", "nom", "score", "rang", "projets", "projets_pour_10000"]]
    t = t.reset_index(drop=True)
    if rounded:
        t["score"] = t["score"].round(3)
        t["projets_pour_10000"] = t["projets_pour_10000"].round(2)
    return t


# -------------------------------------------------------------------- display


def display_table(result: Besoins, pack) -> pd.DataFrame:
    """The ranked table as the page shows it: French headers, French numbers, « non
    calculable » / « non publié » / « non renseigné » instead of blanks (quadrant order)."""
    from carnet.formatting import fmt_number

    t = result.table
    ids = result.indicators

    def num(v, d, missing="non publié"):
        return fmt_number(v, d, missing=missing)

    out = pd.DataFrame({
        "Rang": [NON_CALCULABLE if pd.isna(r) else str(int(r)) for r in t["rang"]],
        "Commune": t["nom"].astype(str),
        "Code": t["code"].astype(str),
        "Score de besoin": [num(v, 2, NON_CALCULABLE) for v in t["score"]],
        "Quadrant": t["quadrant"].astype(str),
        "Projets": t["projets"].astype(int).astype(str),
        "Projets pour 10 000 hab.": [num(v, 1, "population non publiée")
                                     for v in t["projets_pour_10000"]],
        "€ du Département par hab.": [
            "montant non renseigné" if s > 0 else num(v, 2, "population non publiée")
            for v, s in zip(t["euros_par_habitant"], t["sans_montant"], strict=True)],
        "Indicateurs publiés": [f"{int(n)} sur {len(ids)}" for n in t["publies"]],
    }, index=t.index)
    for iid in ids:
        ind = pack.indicator(iid)
        out[ind.label] = [fmt_number(v, ind.decimals) for v in t[iid]]
    if (t["statut"] != "commune").any():
        out["Statut"] = t["statut"].astype(str)
    return out.reset_index(drop=True)


def indicators_table(result: Besoins, pack) -> list[list[str]]:
    """Rows « Indicateur, Sens du besoin, Moyenne, Écart-type, Communes publiées, Source »
    over the reference communes (plain strings, for an escaped HTML table)."""
    from carnet.fiches.citations import source_label
    from carnet.formatting import fmt_number

    rows = []
    for iid in result.indicators:
        ind = pack.indicator(iid)
        s = result.stats.loc[iid]
        rows.append([ind.label, direction_text(ind), fmt_number(s["moyenne"], ind.decimals + 1),
                     fmt_number(s["ecart_type"], ind.decimals + 1),
                     f"{int(s['publiees'])} sur {result.n_reference}", source_label(ind)])
    return rows


def sensitivity_table(result: Besoins, pack) -> list[list[str]]:
    """Rows « Indicateur retiré, Communes du top qui restent » (plain strings)."""
    rows = []
    for r in result.sensitivity.itertuples(index=False):
        kept = "sans objet (seul indicateur)" if pd.isna(r.restent) else f"{int(r.restent)} sur {r.sur}"
        rows.append([pack.indicator(r.indicateur).label, kept])
    return rows


QUADRANT_COLORS = {HIGH_FEW: "#c85a5a", HIGH_MANY: "#574249", LOW_FEW: "#b8b8b8",
                   LOW_MANY: "#64acbe"}


def scatter_chart(result: Besoins):
    """Altair scatter: need score (x) × projects per 10 000 inhabitants (y), one point per
    commune coloured by quadrant, the two medians drawn; French numbers and tooltips."""
    import altair as alt

    from carnet.charts import FONT, FR_LOCALE
    from carnet.formatting import fmt_number

    t = result.table
    d = t[t["score"].notna() & t["projets_pour_10000"].notna()].copy()
    d = pd.DataFrame({
        "nom": d["nom"].astype(str), "score": d["score"].astype(float),
        "projets_pour_10000": d["projets_pour_10000"].astype(float),
        "quadrant": d["quadrant"].astype(str),
        "score_texte": [fmt_number(v, 2) for v in d["score"]],
        "projets_texte": [f"{int(n)} ({fmt_number(v, 1)} pour 10 000 hab.)"
                          for n, v in zip(d["projets"], d["projets_pour_10000"], strict=True)],
        "rang": [str(int(r)) for r in d["rang"]],
    })
    domain = [q for q in QUADRANTS if q in QUADRANT_COLORS]
    points = alt.Chart(d).mark_circle(size=70, opacity=0.85, stroke="#333", strokeWidth=0.4).encode(
        x=alt.X("score:Q", title="Score de besoin (moyenne des z signés)"),
        y=alt.Y("projets_pour_10000:Q", title="Projets pour 10 000 habitants",
                axis=alt.Axis(format=",~r")),
        color=alt.Color("quadrant:N", title=None,
                        scale=alt.Scale(domain=domain, range=[QUADRANT_COLORS[q] for q in domain]),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=320)),
        tooltip=[alt.Tooltip("nom:N", title="Commune"), alt.Tooltip("rang:N", title="Rang"),
                 alt.Tooltip("score_texte:N", title="Score de besoin"),
                 alt.Tooltip("projets_texte:N", title="Projets"),
                 alt.Tooltip("quadrant:N", title="Quadrant")],
    )
    layers = [points]
    m_need, m_proj = result.medians["score"], result.medians["projets_pour_10000"]
    if np.isfinite(m_need):
        layers.append(alt.Chart(pd.DataFrame({"x": [m_need]})).mark_rule(
            strokeDash=[4, 3], color="#777").encode(x="x:Q"))
    if np.isfinite(m_proj):
        layers.append(alt.Chart(pd.DataFrame({"y": [m_proj]})).mark_rule(
            strokeDash=[4, 3], color="#777").encode(y="y:Q"))
    chart = alt.layer(*layers).properties(height=380)
    return (chart.configure(locale={"number": FR_LOCALE})
            .configure_axis(labelFontSize=13, titleFontSize=13, labelFont=FONT, titleFont=FONT)
            .configure_legend(labelFontSize=13).configure_view(stroke=None))
