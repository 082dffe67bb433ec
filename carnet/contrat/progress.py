"""Progress of a contract, computed from its projects' statuses: never typed.

Each status carries a default share of completion, declared as data in
``carnet/data/avancement.toml`` (idée 0 %, à l'étude 10 %, engagé 40 %, en cours 60 %,
réalisé 100 %, bloqué 10 %; abandonné excluded). A *node* of the Cadre d'Action Stratégique
(an enjeu, an orientation, an enjeu × orientation branch) gets:

- its projects (abandoned ones counted apart: they leave the plan, its mean and its budget);
- its progress: the mean share over its projects that have a status (a project without a
  status has no share: it is counted as « sans statut », never as 0 %);
- its budget: the sums of the known amounts (total and Département; None when none is
  known, never a made-up 0), and the Département's part as a ratio of sums over the
  projects where both amounts are known;
- its late and blocked projects (« en retard » is derived by :func:`en_retard`, never
  stored) and its last update (the latest ``updated_at`` of its projects), « à actualiser »
  past the threshold of ``avancement.toml``.

Pure pandas: no streamlit, no database.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from carnet.errors import ConfigError
from carnet.formatting import DISPLAY_TZ
from carnet.projets.constants import STATUTS, STATUTS_CLOS
from carnet.text import fold

AVANCEMENT_TOML = Path(__file__).resolve().parent.parent / "data" / "avancement.toml"


@dataclass(frozen=True)
class Bareme:
    """The shares of ``avancement.toml``: status → percent, excluded statuses, staleness."""

    parts: dict[str, float]
    exclus: frozenset[str]
    jours_ancien: int

    def part(self, statut) -> float | None:
        """The share of a status (percent), None for no status, an excluded or unknown one."""
        if statut is None or (isinstance(statut, float) and pd.isna(statut)):
            return None
        return self.parts.get(str(statut))


def parse_bareme(raw: dict, where: str = "avancement.toml") -> Bareme:
    """Check and read the table: every status has a share in 0–100 or is excluded, once."""
    parts = raw.get("parts") or {}
    exclus = raw.get("exclus", [])
    jours = (raw.get("fraicheur") or {}).get("jours_ancien")
    problems = []
    unknown = sorted((set(parts) | set(exclus)) - set(STATUTS))
    if unknown:
        problems.append(f"statut(s) inconnu(s) : {', '.join(unknown)}")
    both = sorted(set(parts) & set(exclus))
    if both:
        problems.append(f"statut(s) à la fois avec une part et exclu(s) : {', '.join(both)}")
    missing = [s for s in STATUTS if s not in parts and s not in exclus]
    if missing:
        problems.append(f"statut(s) sans part ni exclusion : {', '.join(missing)}")
    for code, v in parts.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 100:
            problems.append(f"part de « {code} » hors de 0 à 100 : {v!r}")
    if isinstance(jours, bool) or not isinstance(jours, int) or jours < 1:
        problems.append(f"[fraicheur] jours_ancien doit être un nombre de jours ≥ 1 : {jours!r}")
    if problems:
        raise ConfigError(f"{where} : " + " ; ".join(problems) + ".")
    return Bareme({k: float(v) for k, v in parts.items()}, frozenset(exclus), jours)


@lru_cache(maxsize=1)
def bareme() -> Bareme:
    """The shares declared in ``carnet/data/avancement.toml``."""
    return parse_bareme(tomllib.loads(AVANCEMENT_TOML.read_text(encoding="utf-8")))


def en_retard(df: pd.DataFrame, today: date) -> pd.Series:
    """Late projects: end year passed (before ``today``'s year), status known and not closed.

    Derived at each display, never stored. A project without a status is not called late:
    it may well be realised; the page counts it « sans statut » instead.
    """
    fin = pd.to_numeric(df["annee_fin"], errors="coerce")
    statut = df["statut"]
    return (fin.notna() & (fin < today.year) & statut.notna()
            & ~statut.isin(STATUTS_CLOS)).astype(bool)


def today_paris() -> date:
    """Today in the Nord's time (« en retard », « à actualiser »)."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(DISPLAY_TZ)).date()


def jour_local(value) -> date | None:
    """The Paris calendar day of a timestamp (naive values are UTC, as SQLite returns them)."""
    if value is None or (not isinstance(value, datetime | pd.Timestamp) and pd.isna(value)):
        return None
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        return None
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(DISPLAY_TZ).date()


@dataclass(frozen=True)
class Avancement:
    """The figures of one node; see the module's docstring for how each is computed."""

    projets: int = 0
    abandonnes: int = 0
    avec_statut: int = 0
    #: Mean share in percent (0–100), None when no project of the node has a status.
    avancement: float | None = None
    cout_total: float | None = None
    cout_renseigne: int = 0
    participation_cd: float | None = None
    participation_renseignee: int = 0
    #: Département / total, ratio of sums over the projects with both amounts (0–1).
    part_departement: float | None = None
    en_retard: int = 0
    bloques: int = 0
    derniere_maj: datetime | None = None
    #: Last update older than the threshold: « à actualiser ».
    ancien: bool = False
    par_statut: dict[str, int] = field(default_factory=dict)

    @property
    def vide(self) -> bool:
        """The node has no project at all (not even an abandoned one)."""
        return self.projets == 0 and self.abandonnes == 0

    @property
    def sans_statut(self) -> int:
        return self.projets - self.avec_statut


def _sum(s: pd.Series) -> float | None:
    total = s.sum(min_count=1) if len(s) else float("nan")
    return None if pd.isna(total) else float(total)


def avancement(df: pd.DataFrame, today: date, b: Bareme | None = None) -> Avancement:
    """The figures of the projects ``df`` (one node), as of ``today``."""
    b = b or bareme()
    if df.empty:
        return Avancement()
    statut = df["statut"].where(df["statut"].notna(), None)
    excluded = statut.isin(b.exclus)
    live = df[~excluded]
    parts = pd.Series([b.part(s) for s in live["statut"]], index=live.index, dtype="float64")
    cout = pd.to_numeric(live["cout_total"], errors="coerce")
    cd = pd.to_numeric(live["participation_cd"], errors="coerce")
    both = cout.notna() & cd.notna() & (cout > 0)
    ratio = float(cd[both].sum() / cout[both].sum()) if both.any() else None
    stamps = [d for d in (pd.to_datetime(df["updated_at"], errors="coerce", utc=True)
                          if "updated_at" in df else []) if not pd.isna(d)]
    last = max(stamps).to_pydatetime() if stamps else None
    last_day = jour_local(last)
    counts = live["statut"].value_counts()
    return Avancement(
        projets=int(len(live)),
        abandonnes=int(excluded.sum()),
        avec_statut=int(parts.notna().sum()),
        avancement=float(parts.mean()) if parts.notna().any() else None,
        cout_total=_sum(cout), cout_renseigne=int(cout.notna().sum()),
        participation_cd=_sum(cd), participation_renseignee=int(cd.notna().sum()),
        part_departement=ratio,
        en_retard=int(en_retard(live, today).sum()),
        bloques=int((live["statut"] == "bloque").sum()),
        derniere_maj=last,
        ancien=last_day is not None and (today - last_day).days > b.jours_ancien,
        par_statut={s: int(counts[s]) for s in STATUTS if s in counts.index},
    )


# ------------------------------------------------------------------------ enjeux ↔ projets
def enjeu_key(enjeu) -> set[str]:
    """The values a project's ``enjeu`` field may hold to name this enjeu (folded).

    Its code, its id and its title: the field is free text in registries imported before
    enjeux were records (« Fermeture de la base aérienne »), a code or an id after.
    """
    keys = {fold(enjeu.code), fold(enjeu.titre)}
    if getattr(enjeu, "id", None) is not None:
        keys.add(str(enjeu.id))
    return {k for k in keys if k}


def match_enjeux(values: pd.Series, enjeux: Iterable) -> pd.Series:
    """Each project's enjeu code (None when it names none of ``enjeux``)."""
    table = {}
    for e in enjeux:
        for k in enjeu_key(e):
            table.setdefault(k, e.code)
    return values.map(lambda v: None if v is None or pd.isna(v) else table.get(fold(v)))


def enjeux_of(df: pd.DataFrame, enjeux) -> pd.Series:
    """Each project's enjeu code: its link (``enjeu_id``) first, else its free-text ``enjeu``."""
    enjeux = list(enjeux)
    codes = match_enjeux(df["enjeu"], enjeux)
    if "enjeu_id" in df:
        by_id = {e.id: e.code for e in enjeux if e.id is not None}
        linked = df["enjeu_id"].map(lambda v: None if pd.isna(v) else by_id.get(int(v)))
        codes = linked.where(linked.notna(), codes)
    return codes.astype(object).where(codes.notna(), None)


@dataclass(frozen=True)
class Branche:
    """An orientation under an enjeu (or under « sans enjeu »), with its projects."""

    orientation: str | None
    avancement: Avancement
    projets: pd.DataFrame


@dataclass(frozen=True)
class Noeud:
    """An enjeu of the contract (``enjeu`` None: the projects linked to none)."""

    enjeu: object | None
    avancement: Avancement
    branches: tuple[Branche, ...]


def _codes(s: pd.Series) -> list:
    """Values of a code column, blanks (None, NaN, ``pd.NA``) as None."""
    return [None if pd.isna(v) else v for v in s]


def _orientation_order(codes: Iterable, declared: Iterable[str]) -> list:
    declared = list(declared)
    present = list(dict.fromkeys(codes))
    known = [c for c in declared if c in present]
    others = sorted(c for c in present if c is not None and c not in declared)
    return known + others + ([None] if None in present else [])


def arbre(contrat, df: pd.DataFrame, today: date, orientations: Iterable[str] = (),
          b: Bareme | None = None) -> list[Noeud]:
    """The Cadre d'Action Stratégique as a tree: enjeux → orientations → projets.

    Parameters
    ----------
    contrat : carnet.contrat.model.Contrat
        Its enjeux (in order) and their orientations.
    df : DataFrame
        The territory's projects (the registry's columns: ``statut``, ``orientation``,
        ``enjeu``, ``cout_total``, ``participation_cd``, ``annee_fin``, ``updated_at``).
    orientations : iterable of str
        Orientation codes in display order (the pack's, then the contract's own).

    Returns
    -------
    list of Noeud
        One per enjeu, in the contract's order (an enjeu's declared orientations are
        branches even without projects: « aucun projet » shows), then one ``enjeu=None``
        node for the projects that name no enjeu of the contract, when there are some.
    """
    df = df.assign(_enjeu=enjeux_of(df, contrat.enjeux) if len(df) else None)
    orientation = df["orientation"]
    out = []
    order = list(orientations) + [o.code for o in contrat.orientations]
    for e in [*contrat.enjeux, None]:
        mine = df[df["_enjeu"].isna()] if e is None else df[df["_enjeu"] == e.code]
        if e is None and mine.empty:
            break
        codes = _codes(orientation[mine.index]) + ([] if e is None else list(e.orientations))
        branches = []
        for code in _orientation_order(codes, order):
            sub = mine[orientation[mine.index].isna()] if code is None else mine[mine["orientation"] == code]
            sub = sub.drop(columns="_enjeu")
            branches.append(Branche(code, avancement(sub, today, b), sub))
        out.append(Noeud(e, avancement(mine.drop(columns="_enjeu"), today, b), tuple(branches)))
    return out


def par_orientation(df: pd.DataFrame, today: date, orientations: Iterable[str] = (),
                    b: Bareme | None = None) -> dict[str | None, Avancement]:
    """Every orientation's figures over all the territory's projects (None: not given)."""
    orientation = df["orientation"]
    out = {}
    for code in _orientation_order([*orientations, *_codes(orientation)], orientations):
        sub = df[orientation.isna()] if code is None else df[df["orientation"] == code]
        out[code] = avancement(sub, today, b)
    return out
