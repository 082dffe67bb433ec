"""The frozen T0 of a contract: its diagnostic at signature, and how it moved since.

At the clause de revoyure the question is « where did the territory start, where is it
now? ». :func:`snapshot` answers the first half once: for each indicator family of the
contract's enjeux and of the default list (``carnet/data/evaluation.toml``), the value, for
the territoire and the département, at the latest vintage that existed at signature, with
its vintage and source. The store keeps it write-once (:func:`frozen`): a later build of the
pack from newer or corrected sources never rewrites it. :func:`evolution` answers the second
half: T0 against the pack's latest vintage, the change in points (rates) or in % (counts)
and whether it went the favourable way (the registry's ``sens``).

Values are the built pack's (``values_territoire`` / ``values_departement``: ratios of sums
computed by :mod:`carnet.indicators`). A blank value stays blank: « non publié » (secrecy or
a missing commune), or « non agrégeable » for a median or a poverty rate, which the sources
give per commune only. No streamlit here.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pandas as pd

from carnet.contrat.model import Contrat
from carnet.errors import CarnetError
from carnet.indicators import Indicator, registry

CONFIG_FILE = Path(__file__).resolve().parents[1] / "data" / "evaluation.toml"
#: Version of the snapshot's layout (a stored T0 says which one it follows).
FORMAT = 1

#: How a vintage was chosen (``choix``).
CHOIX = {
    "signature": "dernier millésime antérieur à la signature",
    "posterieur": "millésime postérieur à la signature (aucun n'existait alors)",
}
#: What a value is (``etat``): published, secret/missing, or not additive above the commune.
ETATS = {
    "publie": "publié",
    "non_publie": "non publié",
    "non_agregeable": "non agrégeable (donné par commune seulement)",
}
#: Whether a change is good news (``sens`` of the registry), in French.
VERDICTS = {
    "favorable": "favorable",
    "defavorable": "défavorable",
    "stable": "stable",
    "neutre": "sans objet (ni hausse ni baisse n'est favorable en soi)",
    "non_calculable": "non calculable",
    "meme_millesime": "pas de millésime plus récent",
}
#: Units whose change is a difference in points (rates and shares); others change in %.
POINT_UNITS = frozenset({"%", "‰"})


@cache
def config(path: Path = CONFIG_FILE) -> dict:
    """The default families and their French names (``carnet/data/evaluation.toml``)."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    familles = raw.get("t0", {}).get("familles", [])
    if not isinstance(familles, list) or not all(isinstance(f, str) and f for f in familles):
        raise CarnetError(f"{Path(path).name} : [t0] familles doit être une liste de familles.")
    return {"familles": tuple(familles), "libelles": dict(raw.get("libelles", {}))}


_YEAR_TAIL = re.compile(r"\s*\(?\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\b\)?\s*$")


def family_label(famille: str, ind: Indicator | None = None) -> str:
    """« Taux de chômage des 15-64 ans »: the family's name, without a year."""
    named = config()["libelles"].get(famille)
    if named:
        return named
    if ind is not None:
        return _YEAR_TAIL.sub("", ind.label).strip() or ind.label
    return famille


def signature_date(contrat: Contrat) -> date | None:
    """The contract's signature date (phase ``signature``), None while unknown."""
    phase = contrat.phase("signature")
    return phase.debut.valeur if phase is not None and phase.debut is not None else None


def families(pack, contrat: Contrat) -> dict[str, list[str]]:
    """The families of the T0, in order, each with why it is there.

    The default list first (``defaut``), then the families of the enjeux' indicators
    (``enjeu:<code>``). A family the pack does not have is left out; an enjeu indicator
    unknown to the registry too (the store validates them; here nothing fails on it).
    """
    present = {ind.famille for ind in pack.indicators.values()}
    reg = registry()
    out: dict[str, list[str]] = {}
    for fam in config()["familles"]:
        if fam in present:
            out.setdefault(fam, []).append("defaut")
    for enjeu in contrat.enjeux:
        for iid in enjeu.indicateurs:
            ind = reg.get(iid)
            if ind is not None and ind.famille in present:
                why = out.setdefault(ind.famille, [])
                if f"enjeu:{enjeu.code}" not in why:
                    why.append(f"enjeu:{enjeu.code}")
    return out


def vintages(pack, famille: str) -> list[Indicator]:
    """The pack's indicators of ``famille``, oldest first."""
    return sorted((i for i in pack.indicators.values() if i.famille == famille),
                  key=lambda i: (i.annee, i.id))


def choose_vintage(candidates: list[Indicator], signed: date) -> tuple[Indicator, str] | None:
    """The T0 vintage among ``candidates`` for a contract signed on ``signed``.

    The latest whose ``annee`` had ended at signature (``annee < signed.year``): choice
    ``signature``. If none is that old, the earliest one: choice ``posterieur``. Two
    vintages of the same year (two sources): the one listed first in the registry.
    """
    if not candidates:
        return None
    order = list(registry())
    rank = {iid: n for n, iid in enumerate(order)}
    before = [i for i in candidates if i.annee < signed.year]
    if before:
        best = max(i.annee for i in before)
        return min((i for i in before if i.annee == best), key=lambda i: rank.get(i.id, 0)), "signature"
    first = min(i.annee for i in candidates)
    return min((i for i in candidates if i.annee == first), key=lambda i: rank.get(i.id, 0)), "posterieur"


def _value(pack, level: str, code: str, ind: Indicator) -> tuple[float | None, str]:
    if not ind.aggregable:
        return None, "non_agregeable"
    values = pack.values(level)
    if code not in values.index or ind.id not in values.columns:
        return None, "non_publie"
    v = values.at[code, ind.id]
    if v is None or pd.isna(v) or not math.isfinite(float(v)):
        return None, "non_publie"
    return float(v), "publie"


def _citation(ind: Indicator) -> str:
    from carnet.sources import catalogue

    src = catalogue().get(ind.source)
    producer = src.producteur.split(" (")[0].split(",")[0].strip() if src else ind.source
    titre = f", {src.titre}" if src else ""
    return f"{producer}{titre} · {ind.vintage}"


def _entry(pack, ind: Indicator, territoire: str, dep: str) -> dict:
    tv, te = _value(pack, "territoire", territoire, ind)
    dv, de = _value(pack, "departement", dep, ind)
    return {"id": ind.id, "label": ind.label, "annee": ind.annee, "millesime": ind.vintage,
            "source": ind.source, "citation": _citation(ind), "unite": ind.unit,
            "decimales": ind.decimals, "sens": ind.sens, "regle": ind.rule,
            "territoire": tv, "etat_territoire": te, "departement": dv, "etat_departement": de}


def _dep_code(pack) -> str:
    values = pack.values("departement")
    code = str(pack.config.dep)
    if code in values.index:
        return code
    if len(values.index) == 1:
        return str(values.index[0])
    raise CarnetError(f"Carnet {pack.id} : le département n'a pas de valeurs ; reconstruisez-le.")


def snapshot(pack, contrat: Contrat, *, cache: Path | str | None = None,
             now: datetime | None = None) -> dict:
    """The T0 of ``contrat`` from the built pack: a JSON-able dict, for the store to freeze.

    Parameters
    ----------
    pack : carnet.pack.Pack or str
        The built pack, or its id (then loaded from ``cache``, the folder of built packs;
        default ``$CARNET_CACHE``).
    contrat : Contrat
        Its signature date (phase ``signature``) picks the vintages; its enjeux add their
        indicators' families to the default list.
    now : datetime, optional
        When the snapshot is taken (recorded as ``calcule_le``; default: now, UTC).

    Returns
    -------
    dict
        ``format``, ``pack``, ``territoire``, ``signature`` (ISO date), ``regle`` (the
        vintage rule in French), ``calcule_le``, ``carnet`` (the build it was computed from:
        ``construit_le``, ``empreinte``) and ``indicateurs``: one dict per family, in order
        (``famille``, ``libelle``, ``pourquoi``, ``choix`` and the fields of the chosen
        vintage: ``id``, ``label``, ``annee``, ``millesime``, ``source``, ``citation``,
        ``unite``, ``decimales``, ``sens``, ``regle``, ``territoire`` / ``departement``
        (float or None) and ``etat_territoire`` / ``etat_departement`` (:data:`ETATS`)).

    Raises
    ------
    CarnetError
        If the contract's signature date is unknown (no T0 before signature), or the
        contract is of another pack or of a territoire the pack does not have.
    """
    if isinstance(pack, str):
        pack = _load(pack, cache)
    if contrat.pack != pack.id:
        raise CarnetError(f"Le contrat « {contrat.titre} » est du carnet {contrat.pack}, "
                          f"pas de {pack.id}.")
    if contrat.territoire not in pack.values("territoire").index:
        raise CarnetError(f"Territoire « {contrat.territoire} » inconnu du carnet {pack.id}.")
    signed = signature_date(contrat)
    if signed is None:
        raise CarnetError(f"{contrat.titre} : date de signature inconnue ; l'état de référence "
                          "(T0) se fige à la signature.")
    dep = _dep_code(pack)
    rows = []
    for fam, why in families(pack, contrat).items():
        chosen = choose_vintage(vintages(pack, fam), signed)
        if chosen is None:
            continue
        ind, choix = chosen
        rows.append({"famille": fam, "libelle": family_label(fam, ind), "pourquoi": why,
                     "choix": choix, **_entry(pack, ind, contrat.territoire, dep)})
    when = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "format": FORMAT, "pack": pack.id, "territoire": contrat.territoire,
        "departement": dep, "signature": signed.isoformat(),
        "regle": ("Pour chaque indicateur, le dernier millésime dont l'année était achevée à "
                  f"la signature (année < {signed.year}) ; à défaut, le plus ancien du carnet, "
                  "signalé « postérieur à la signature »."),
        "calcule_le": when.isoformat(timespec="seconds"),
        "carnet": {"construit_le": pack.meta.get("built_at", ""),
                   "empreinte": pack.meta.get("fingerprint", "")},
        "indicateurs": rows,
    }


def _load(pack_id: str, cache: Path | str | None):
    import os

    from carnet.pack import load_pack

    if cache is None:
        return load_pack(pack_id)
    old = os.environ.get("CARNET_CACHE")
    os.environ["CARNET_CACHE"] = str(cache)
    try:
        return load_pack(pack_id)
    finally:
        if old is None:
            os.environ.pop("CARNET_CACHE", None)
        else:
            os.environ["CARNET_CACHE"] = old


def frozen(store, pack, contrat: Contrat, *, user: str) -> dict | None:
    """The contract's T0 as stored, freezing it first if it never was.

    ``store`` has ``t0(territoire) -> dict | None`` and ``freeze_t0(territoire, snapshot,
    *, user) -> bool`` (write-once: :class:`carnet.contrat.repository.ContratRepository`).
    Once stored, the T0 is returned as stored, whatever the pack holds today. None while
    the signature date is unknown (nothing is frozen then).
    """
    stored = store.t0(contrat.territoire)
    if stored is not None:
        return stored
    if signature_date(contrat) is None:
        return None
    store.freeze_t0(contrat.territoire, snapshot(pack, contrat), user=user)
    return store.t0(contrat.territoire)  # the winner's, if another session froze it first


# --------------------------------------------------------------------------- evolution


def change_between(t0: float | None, now: float | None, unit: str) -> tuple[float | None, str]:
    """The change from ``t0`` to ``now``: points for rates, % for counts and levels."""
    if t0 is None or now is None:
        return None, ""
    if unit in POINT_UNITS:
        return now - t0, "pts"
    if t0 == 0:
        return None, "%"
    return (now - t0) / abs(t0) * 100.0, "%"


def verdict(change: float | None, sens: str, decimals: int = 1) -> str:
    """A code of :data:`VERDICTS` for a change and the indicator's ``sens``.

    A change that rounds to 0 at the shown precision is ``stable``.
    """
    if change is None:
        return "non_calculable"
    if sens == "neutre":
        return "neutre"
    if round(change, decimals) == 0:
        return "stable"
    up = change > 0
    return "favorable" if up == (sens == "hausse_favorable") else "defavorable"


def latest(pack, famille: str) -> Indicator | None:
    """The pack's latest vintage of ``famille`` (registry order breaks a tie)."""
    same = vintages(pack, famille)
    if not same:
        return None
    best = max(i.annee for i in same)
    order = {iid: n for n, iid in enumerate(registry())}
    return min((i for i in same if i.annee == best), key=lambda i: order.get(i.id, 0))


CHANGE_DECIMALS = 1


def evolution(pack, t0: dict) -> pd.DataFrame:
    """T0 against the pack's latest vintage, one row per family of the stored T0.

    The T0 values are the stored ones (never recomputed); the latest come from the pack.
    Columns: ``famille``, ``libelle``, ``pourquoi`` (``defaut``, ``enjeu:<code>``), ``unite``,
    ``decimales``, ``sens``, ``choix``,
    ``t0_id``, ``t0_annee``, ``t0_millesime``, ``t0_citation``, ``dernier_id``,
    ``dernier_annee``, ``dernier_millesime``, ``dernier_citation``, then for ``territoire``
    and ``departement``: ``<niveau>_t0``, ``<niveau>_t0_etat``, ``<niveau>_dernier``,
    ``<niveau>_dernier_etat``, ``<niveau>_evolution`` (float or None), ``evolution_unite``
    (``pts`` or ``%``) and ``<niveau>_verdict`` (:data:`VERDICTS`).
    """
    try:
        return _evolution(pack, t0)
    except (KeyError, TypeError, AttributeError) as exc:
        raise CarnetError(f"L'état de référence (T0) enregistré est illisible (champ {exc} manquant "
                          "ou invalide) ; il n'est pas réécrit.") from exc


def _evolution(pack, t0: dict) -> pd.DataFrame:
    rows = []
    for e in t0["indicateurs"]:
        last = latest(pack, e["famille"])
        row = {"famille": e["famille"], "libelle": e["libelle"], "pourquoi": list(e.get("pourquoi", [])),
               "unite": e["unite"],
               "decimales": e["decimales"], "sens": e["sens"], "choix": e["choix"],
               "t0_id": e["id"], "t0_annee": e["annee"], "t0_millesime": e["millesime"],
               "t0_citation": e["citation"]}
        if last is None:
            row.update(dernier_id=None, dernier_annee=None, dernier_millesime=None,
                       dernier_citation=None)
        else:
            row.update(dernier_id=last.id, dernier_annee=last.annee, dernier_millesime=last.vintage,
                       dernier_citation=_citation(last))
        same = last is None or last.id == e["id"]
        codes = {"territoire": t0["territoire"], "departement": t0.get("departement")}
        for level in ("territoire", "departement"):
            before, before_state = e[level], e[f"etat_{level}"]
            if last is None:
                now, now_state = None, "non_publie"
            elif same:
                now, now_state = before, before_state
            else:
                now, now_state = _value(pack, level, codes[level] or _dep_code(pack), last)
            change, unit = (None, "") if same else change_between(before, now, e["unite"])
            row.update({f"{level}_t0": before, f"{level}_t0_etat": before_state,
                        f"{level}_dernier": now, f"{level}_dernier_etat": now_state,
                        f"{level}_evolution": change,
                        f"{level}_verdict": "meme_millesime" if same
                        else verdict(change, e["sens"], CHANGE_DECIMALS)})
            if unit:
                row["evolution_unite"] = unit
        row.setdefault("evolution_unite", "pts" if e["unite"] in POINT_UNITS else "%")
        rows.append(row)
    return pd.DataFrame(rows)
