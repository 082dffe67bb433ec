"""Communes: search, picker, identity, fiche, facilities and the commune picked on a map."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carnet.fiches.citations import source_short
from carnet.fiches.figures import atlas_ids, latest_vintage, summary_id, unit_name
from carnet.fiches.merged import merged_into, merged_name
from carnet.fiches.territories import territory_communes
from carnet.fiches.values import fmt_ind, value
from carnet.pack import Pack
from carnet.text import fold


def search_communes(pack: Pack, query: str, limit: int = 20) -> pd.DataFrame:
    """Communes whose name or INSEE code matches ``query`` (accent/case insensitive).

    Exact code first, then names starting with the query, then names containing it.
    """
    c = pack.table("commune")[["code", "nom", "epci_nom", "territoire_nom"]]
    q = fold(query)
    if not q:
        return c.iloc[0:0]
    folded = c["nom"].map(fold)
    score = pd.Series(9, index=c.index)
    score[folded.str.contains(q, regex=False)] = 2
    score[folded.str.startswith(q)] = 1
    score[c["code"].str.startswith(q)] = 1
    score[(c["code"] == q) | (folded == q)] = 0
    hits = c[score < 9].assign(_s=score[score < 9]).sort_values(["_s", "nom"])
    return hits.drop(columns="_s").head(limit).reset_index(drop=True)


def commune_label(row) -> str:
    """``Nom (code)`` label of a commune row."""
    return f"{row['nom']} ({row['code']})"


def commune_choices(pack: Pack, query: str, tid: str, current: str | None
                    ) -> tuple[dict[str, str], str | None]:
    """Options (code → label) of the commune picker and the commune to show.

    With a query: the matching communes, and ``current`` if it matches, else the best hit.
    Without: the communes of territory ``tid``; ``current`` if it is a known commune (added
    to the options if it lies elsewhere), else the most populous commune of the territory.
    """
    known = set(pack.table("commune")["code"])
    if query.strip():
        hits = search_communes(pack, query, limit=50)
        options = {r["code"]: commune_label(r) for _, r in hits.iterrows()}
        chosen = current if current in options else next(iter(options), None)
        return options, chosen
    hits = territory_communes(pack, tid)
    options = {r["code"]: commune_label(r) for _, r in hits.iterrows()}
    if current in known:
        if current not in options:
            options = {current: commune_label({"code": current, "nom": unit_name(pack, "commune", current)}),
                       **options}
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


def commune_info(pack: Pack, code: str) -> CommuneInfo | None:
    """Identity of a commune (None if the code is unknown)."""
    c = pack.table("commune")
    row = c[c["code"] == code]
    if row.empty:
        return None
    r = row.iloc[0]
    note = r.get("note")
    return CommuneInfo(
        code=code, nom=str(r["nom"]), epci=str(r["epci"]), epci_nom=str(r["epci_nom"]),
        territoire=str(r["territoire"]), territoire_nom=str(r["territoire_nom"]),
        arrondissement_nom=str(r.get("arrondissement_nom", "")),
        note="" if note is None or pd.isna(note) else str(note).strip(),
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
    units_ = (("Commune", "commune", code), ("EPCI", "epci", info.epci),
              ("Territoire", "territoire", info.territoire),
              ("Département", "departement", pack.config.dep))
    merged = pack.merger_of(code)
    rows = []
    for i in fiche_ids(pack) if ids is None else ids:
        if i not in pack.indicators:
            continue
        ind = pack.indicator(i)
        row = {"Thème": ind.theme, "Indicateur": ind.label}
        for col, level, ucode in units_:
            row[col] = fmt_ind(pack, i, value(pack, level, ucode, i), level, code=ucode)
            if merged and col == "Commune":
                row["Commune nouvelle"] = fmt_ind(pack, i, pack.merged_values().loc[merged, i], "fusion")
        row["Source"] = source_short(ind)
        rows.append(row)
    return pd.DataFrame(rows)


def commune_facilities(pack: Pack, code: str) -> dict[str, pd.DataFrame]:
    """Point-layer features located in a commune, by layer label (empty layers omitted)."""
    from carnet.layers import layer_registry

    out = {}
    for lid in pack.layer_ids:
        lay = pack.layer(lid)
        if "commune" not in lay.columns:
            continue
        sel = lay[lay["commune"] == code]
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
    new = merged_into(pack, code, iid)
    if new == code:
        merged = pack.merged_values()
        return merged_name(pack, new), fmt_ind(pack, iid, merged.at[new, iid])
    return unit_name(pack, "commune", code), fmt_ind(pack, iid, value(pack, "commune", code, iid),
                                                       code=code)
