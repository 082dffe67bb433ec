"""Communes: search, picker, identity, fiche, facilities and the commune picked on a map."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carnet.fiches.citations import source_short
from carnet.fiches.figures import atlas_ids, latest_vintage, summary_id, unit_name
from carnet.fiches.merged import (
    KEY_SEP,
    merged_into,
    merged_key,
    merged_keys,
    merged_members,
    merged_name,
    merged_of_key,
    merged_year,
)
from carnet.fiches.territories import territory_communes
from carnet.fiches.values import fmt_ind, merged_value_text, value
from carnet.pack import Pack
from carnet.text import fold


def search_communes(pack: Pack, query: str, limit: int = 20) -> pd.DataFrame:
    """Communes whose name or INSEE code matches ``query`` (accent/case insensitive).

    Exact code first, then names starting with the query, then names containing it.
    """
    c = pd.concat([pack.table("commune")[["code", "nom", "epci_nom", "territoire_nom"]],
                   _merged_rows(pack).drop(columns="territoire")], ignore_index=True)
    q = fold(query)
    if not q:
        return c.iloc[0:0]
    folded = c["nom"].map(fold)
    score = pd.Series(9, index=c.index)
    score[folded.str.contains(q, regex=False)] = 2
    score[folded.str.startswith(q)] = 1
    score[c["code"].str.startswith(q)] = 1  # a merged commune's key starts with its code
    score[(c["code"] == q) | (c["code"].str.split(KEY_SEP).str[0] == q) | (folded == q)] = 0
    hits = c[score < 9].assign(_s=score[score < 9]).sort_values(["_s", "nom"])
    return hits.drop(columns="_s").head(limit).reset_index(drop=True)


def _merged_rows(pack: Pack) -> pd.DataFrame:
    """One row per merged commune (``code`` is its fiche key ``59006@2025``), picker columns."""
    c = pack.table("commune")
    rows = []
    for key in merged_keys(pack):
        new = merged_of_key(pack, key)
        first = c[c["code"] == merged_members(pack, new)[0]].iloc[0]
        rows.append({"code": key, "nom": merged_name(pack, new), "epci_nom": first["epci_nom"],
                     "territoire": first["territoire"], "territoire_nom": first["territoire_nom"]})
    return pd.DataFrame(rows, columns=["code", "nom", "epci_nom", "territoire", "territoire_nom"])


def commune_label(row) -> str:
    """``Nom (code)`` label of a commune row; ``L'Orée de Mormal (59006, commune nouvelle
    2025)`` for a merged commune's fiche key."""
    code = str(row["code"])
    if KEY_SEP in code:
        new, year = code.split(KEY_SEP, 1)
        return f"{row['nom']} ({new}, commune nouvelle {year})"
    return f"{row['nom']} ({code})"


def commune_choices(pack: Pack, query: str, tid: str, current: str | None
                    ) -> tuple[dict[str, str], str | None]:
    """Options (code → label) of the commune picker and the commune to show.

    With a query: the matching communes, and ``current`` if it matches, else the best hit.
    Without: the communes of territory ``tid``; ``current`` if it is a known commune (added
    to the options if it lies elsewhere), else the most populous commune of the territory.
    """
    known = set(pack.table("commune")["code"]) | set(merged_keys(pack))
    if query.strip():
        hits = search_communes(pack, query, limit=50)
        options = {r["code"]: commune_label(r) for _, r in hits.iterrows()}
        chosen = current if current in options else next(iter(options), None)
        return options, chosen
    hits = territory_communes(pack, tid)
    options = {r["code"]: commune_label(r) for _, r in hits.iterrows()}
    merged = _merged_rows(pack)
    options.update({r["code"]: commune_label(r) for _, r in merged[merged["territoire"] == tid].iterrows()})
    options = dict(sorted(options.items(), key=lambda kv: fold(kv[1])))
    if current in known:
        if current not in options:
            info = commune_info(pack, current)
            options = {current: commune_label({"code": current, "nom": info.nom}), **options}
        return options, current
    pid = summary_id(pack, "population")
    pop = hits["code"].map(pack.values("commune")[pid]) if pid else None
    chosen = hits.loc[pop.idxmax(), "code"] if pop is not None and pop.notna().any() else next(iter(options))
    return options, chosen


@dataclass(frozen=True)
class CommuneInfo:
    code: str
    nom: str
    epci: str
    epci_nom: str
    territoire: str
    territoire_nom: str
    arrondissement_nom: str
    note: str
    #: The fiche key: the INSEE code, or ``59006@2025`` for a commune created by a merger
    #: after the reference COG (it took the code of one of its former communes).
    key: str = ""
    #: A merged commune's former communes: (fiche key, name) pairs.
    anciennes: tuple[tuple[str, str], ...] = ()
    #: A former commune's merged commune: (fiche key, name), or None.
    nouvelle: tuple[str, str] | None = None


def commune_info(pack: Pack, code: str) -> CommuneInfo | None:
    """Identity of a commune, by INSEE code or merged commune's fiche key (None if unknown).

    ``59006`` is Amfroipret (the reference COG's commune, merged in 2025); ``59006@2025`` is
    L'Orée de Mormal, the merged commune: its EPCI and territory are its former communes'.
    """
    c = pack.table("commune")
    new = merged_of_key(pack, code)
    if new is not None:
        members = merged_members(pack, new)
        names = [unit_name(pack, "commune", m) for m in members]
        first = commune_info(pack, members[0])
        year = merged_year(pack, new)
        listed = " et ".join([", ".join(f"{n} ({m})" for n, m in zip(names[:-1], members[:-1],
                                                                       strict=True)),
                              f"{names[-1]} ({members[-1]})"]) if len(members) > 1 else names[0]
        note = (f"Commune nouvelle{f' (COG {year})' if year else ''} issue de la fusion de {listed}. "
                "Ses chiffres sont ceux des sources publiées sur la commune nouvelle ; pour les "
                "sources antérieures, ceux de ses anciennes communes agrégés (sommes et rapports "
                "de sommes ; « non agrégeable » pour une médiane).")
        return CommuneInfo(code=new, nom=merged_name(pack, new), epci=first.epci, epci_nom=first.epci_nom,
                           territoire=first.territoire, territoire_nom=first.territoire_nom,
                           arrondissement_nom=first.arrondissement_nom, note=note, key=code,
                           anciennes=tuple(zip(members, names, strict=True)))
    row = c[c["code"] == code]
    if row.empty:
        return None
    r = row.iloc[0]
    note = r.get("note")
    merged = pack.merger_of(code)
    return CommuneInfo(
        code=code, nom=str(r["nom"]), epci=str(r["epci"]), epci_nom=str(r["epci_nom"]),
        territoire=str(r["territoire"]), territoire_nom=str(r["territoire_nom"]),
        arrondissement_nom=str(r.get("arrondissement_nom", "")),
        note="" if note is None or pd.isna(note) else str(note).strip(), key=code,
        nouvelle=(merged_key(pack, merged), merged_name(pack, merged)) if merged else None,
    )


def fiche_ids(pack: Pack, ids=None) -> list[str]:
    """The fiche's indicators (default: the pack's ``fiche_commune``), each at the latest
    vintage the pack has (absent ones skipped).

    The Somme pack gives ``pop_2021``, ``evol_pop_2015_2021``, ``taux_chomage_2021``…
    """
    if ids is None:
        return atlas_ids(pack, "fiche_commune")
    return [i for i in dict.fromkeys(latest_vintage(pack, i) for i in ids) if i]


def commune_profile(pack: Pack, code: str, ids=None) -> pd.DataFrame:
    """A commune's indicators against its EPCI, its territory and the département.

    ``ids`` defaults to :func:`fiche_ids` (the fiche's indicators at the pack's latest vintages).

    Columns: ``Thème``, ``Indicateur``, ``Commune``, [``Commune nouvelle`` for a commune merged
    since the reference COG], ``EPCI``, ``Territoire``, ``Département``, ``Source`` (producer
    and vintage; full citations: :func:`sources_footer`).
    """
    info = commune_info(pack, code)
    if info is None:
        raise KeyError(code)
    if info.anciennes:  # a merged commune: its own values, then its EPCI, territory, département
        code = info.code
    units_ = (("Commune", "commune", code), ("EPCI", "epci", info.epci),
              ("Territoire", "territoire", info.territoire),
              (pack.config.ensemble.Mot, "departement", pack.config.dep))
    merged = None if info.anciennes else pack.merger_of(code)
    rows = []
    for i in fiche_ids(pack) if ids is None else ids:
        if i not in pack.indicators:
            continue
        ind = pack.indicator(i)
        row = {"Thème": ind.theme, "Indicateur": ind.label}
        for col, level, ucode in units_:
            if info.anciennes and col == "Commune":
                row[col] = merged_value_text(pack, info.code, i)
                continue
            row[col] = fmt_ind(pack, i, value(pack, level, ucode, i), level, code=ucode)
            if merged and col == "Commune":
                row["Commune nouvelle"] = merged_value_text(pack, merged, i)
        row["Source"] = source_short(ind)
        rows.append(row)
    return pd.DataFrame(rows)


def commune_facilities(pack: Pack, code: str) -> dict[str, pd.DataFrame]:
    """Point-layer features located in a commune, by layer label (empty layers omitted)."""
    from carnet.layers import layer_registry

    new = merged_of_key(pack, code)
    codes = merged_members(pack, new) if new else [code]  # a merged commune: its former communes'
    out = {}
    for lid in pack.layer_ids:
        lay = pack.layer(lid)
        if "commune" not in lay.columns:
            continue
        sel = lay[lay["commune"].isin(codes)]
        if sel.empty:
            continue
        cols = [c for c in sel.columns if c not in ("geometry", "commune")]
        df = pd.DataFrame(sel[cols]).rename(columns={"nom": "Nom"}).sort_values("Nom")
        label = layer_registry().get(lid, {}).get("label", lid)
        out[label] = df.astype("string").fillna("").reset_index(drop=True)
    return out


def selection_text(pack: Pack, code: str, iid: str) -> tuple[str, str]:
    """(name, formatted value) of the commune ``code`` picked on a map of ``iid``.

    On a map of an indicator published on a merged commune, its polygon carries the code of its
    chef-lieu: the click names the merged commune and gives its value.
    """
    new = merged_of_key(pack, code) or merged_into(pack, code, iid)
    if new is not None and new == code.split(KEY_SEP)[0]:
        return merged_name(pack, new), merged_value_text(pack, new, iid)
    return unit_name(pack, "commune", code), fmt_ind(pack, iid, value(pack, "commune", code, iid),
                                                       code=code)
