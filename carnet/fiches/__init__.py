"""Domain helpers for the atlas pages: key figures, comparisons, rankings, fiches.

Pure pandas / geopandas, no Streamlit: every function takes a :class:`~carnet.pack.Pack`
and simple values (codes, indicator ids) and returns plain data the pages print.

>>> from carnet.pack import load_pack                       # doctest: +SKIP
>>> p = load_pack("nord")                                   # doctest: +SKIP
>>> key_figure(p, "territoire", "cambresis", "pop_2022").text  # doctest: +SKIP
'158 302 hab.'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from carnet.errors import lookup
from carnet.formatting import fmt_number, fmt_range, fmt_value
from carnet.indicators import Indicator, latest_of_family
from carnet.pack import Pack
from carnet.sources import catalogue
from carnet.text import fold

NON_AGREGEABLE = "non agrégeable"

LEVEL_LABELS = {"commune": "Commune", "epci": "EPCI", "territoire": "Territoire",
                "departement": "Département"}


# --------------------------------------------------------------------------- sources


def short_producer(source_id: str) -> str:
    """The producer of a source without its parenthesised details: ``INSEE``."""
    src = catalogue().get(source_id)
    if src is None:
        return source_id
    return src.producteur.split(" (")[0].split(",")[0].strip()


def source_label(ind: Indicator) -> str:
    """One-line French citation of an indicator: producer, title and vintage."""
    src = catalogue().get(ind.source)
    if src is None:
        return f"{ind.source} · {ind.vintage}"
    return f"{short_producer(ind.source)}, {src.titre} · {ind.vintage}"


def source_short(ind: Indicator) -> str:
    """Producer and vintage only: ``INSEE · RP 2022`` (full citation: :func:`source_label`)."""
    return f"{short_producer(ind.source)} · {ind.vintage}"


# --------------------------------------------------------------------------- values


def value(pack: Pack, level: str, code: str, iid: str) -> float:
    """Value of indicator ``iid`` for unit ``code`` of ``level`` (NaN if absent)."""
    vals = pack.values(level)
    if code not in vals.index or iid not in vals.columns:
        return math.nan
    v = vals.at[code, iid]
    return math.nan if pd.isna(v) else float(v)


def fmt_ind(pack: Pack, iid: str, x, level: str = "commune", code: str | None = None) -> str:
    """Format a value of ``iid`` with its unit; ``non agrégeable`` above communes.

    With the ``code`` of a commune merged since the reference COG, an indicator published on
    the merged commune reads ``fusionnée dans L'Orée de Mormal (2025)``, not ``non publié``
    (which means statistical secrecy).
    """
    ind = pack.indicator(iid)
    if not ind.aggregable and level != "commune":
        return NON_AGREGEABLE
    if level == "commune" and code is not None and _missing(x):
        new = merged_into(pack, code, iid)
        if new is not None:
            return merged_note(pack, new)
    return fmt_value(x, ind.unit, ind.decimals)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or bool(pd.isna(x))


# --------------------------------------------------------------------------- merged communes


def merged_into(pack: Pack, code: str, iid: str) -> str | None:
    """Code of the merged commune that carries ``iid`` for former commune ``code``, if any.

    L'Orée de Mormal (59006, 2025) carries the 2025-geography sources of Amfroipret (59006)
    and Bermeries (59070); the older sources still publish the two communes.
    """
    new = pack.merger_of(code)
    if new is None or iid not in merged_indicators(pack, new):
        return None
    return new


def merged_indicators(pack: Pack, new: str) -> tuple[str, ...]:
    """Indicators published on merged commune ``new`` (sources of the new geography)."""
    return tuple(pack.diagnostics.get("fusions_indicateurs", {}).get(new, ()))


def merged_name(pack: Pack, new: str) -> str:
    return str((pack.diagnostics.get("fusions_noms") or {}).get(new, new))


def merged_year(pack: Pack, new: str) -> int | None:
    """The first year a source publishes merged commune ``new`` (COG year)."""
    y = (pack.diagnostics.get("fusions_annee") or {}).get(new)
    return int(y) if y else None


def merged_note(pack: Pack, new: str) -> str:
    """``fusionnée dans L'Orée de Mormal (2025)``."""
    year = merged_year(pack, new)
    return f"fusionnée dans {merged_name(pack, new)}" + (f" ({year})" if year else "")


def commune_rows(pack: Pack, iid: str, tid: str | None = None) -> pd.DataFrame:
    """Communes as ``iid``'s source publishes them: ``code``, ``nom``, ``epci_nom``,
    ``territoire``, ``valeur``, ``fusion`` (True on a merged commune's own row).

    For an indicator of a source published after a merger, the former communes are replaced
    by the merged commune (its value, its name, the code it took); otherwise every commune of
    the reference COG. ``tid`` None means every commune of the pack.
    """
    c = pack.table("commune")
    out = c[["code", "nom", "epci_nom", "territoire"]].copy()
    out["valeur"] = out["code"].map(pack.values("commune")[iid]).astype(float)
    out["fusion"] = False
    for new, members in (pack.diagnostics.get("fusions") or {}).items():
        if iid not in merged_indicators(pack, new):
            continue
        first = out[out["code"] == members[0]].iloc[0]
        merged = pack.merged_values()
        v = merged.at[new, iid] if new in merged.index and iid in merged.columns else math.nan
        row = {"code": new, "nom": merged_name(pack, new), "epci_nom": first["epci_nom"],
               "territoire": first["territoire"], "valeur": float(v), "fusion": True}
        out = pd.concat([out[~out["code"].isin(members)], pd.DataFrame([row])], ignore_index=True)
    if tid:
        out = out[out["territoire"] == tid]
    return out.sort_values("code", kind="stable").reset_index(drop=True)


def commune_map_frame(pack: Pack, tid: str | None, iid: str, detail: str | None = None):
    """:func:`commune_rows` with polygons, for a choropleth (merged commune: union polygon).

    ``detail`` defaults to ``territoire`` for one territory, ``departement`` for the whole pack.
    """
    import geopandas as gpd

    detail = detail or ("territoire" if tid else "departement")
    rows = commune_rows(pack, iid, tid)
    geo = pack.geometry("commune", detail).set_index("code").geometry
    fused = pack.merged_geometry(detail).set_index("code").geometry
    geoms = [fused.get(c) if f else geo.get(c) for c, f in zip(rows["code"], rows["fusion"], strict=True)]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


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


# --------------------------------------------------------------------------- territories


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
        rows.append((pack.config.dep, f"{pack.config.dep_nom} (département)", dep, "Département"))
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
        dep["nom"] = f"{pack.config.dep_nom} (département)"
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


# --------------------------------------------------------------------------- comparison table


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
    dep["Nom"] = f"{pack.config.dep_nom} (département)"
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
    from carnet.export import round_values

    raw = compare_table(pack, level, codes, ids)
    dep = compare_table(pack, "departement", [pack.config.dep], ids)
    dep["Nom"] = f"{pack.config.dep_nom} (département)"
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
        rows.append((pack.config.dep, f"{pack.config.dep_nom} (département)", dep, "Département"))
    df = pd.DataFrame(rows, columns=["code", "nom", "valeur", "groupe"])
    df["texte"] = [fmt_ind(pack, iid, v, level if g != "Département" else "departement")
                   for v, g in zip(df["valeur"], df["groupe"], strict=True)]
    return df


def units(pack: Pack, level: str) -> dict[str, str]:
    """Code → name of every unit of a level (territories in configuration order)."""
    if level == "territoire":
        return territory_options(pack)
    tab = pack.table(level).sort_values("nom")
    return dict(zip(tab["code"].astype(str), tab["nom"].astype(str), strict=True))


def sources_footer(pack: Pack, ids) -> list[str]:
    """Distinct ``source · vintage`` citations of a list of indicators."""
    return list(dict.fromkeys(source_label(pack.indicator(i)) for i in ids if i in pack.indicators))


# --------------------------------------------------------------------------- communes


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


def layer_attribution(layer_id: str) -> str:
    """Short map attribution of a layer: its producer."""
    from carnet.layers import layer_registry

    return f"{short_producer(layer_registry()[layer_id]['source'])}"


def layer_source(layer_id: str) -> str:
    """Citation of a layer's source."""
    from carnet.layers import layer_registry

    sid = layer_registry()[layer_id]["source"]
    src = catalogue()[sid]
    return f"{short_producer(sid)}, {src.titre} · {src.millesime}"


# --------------------------------------------------------------------------- counts


def reference_cog(pack: Pack) -> str:
    """Vintage of the reference geography the counts refer to: ``COG 2024``."""
    src = catalogue().get(pack.config.cog)
    return src.millesime if src is not None else pack.config.cog


def communes_count(pack: Pack, codes=None) -> str:
    """A commune count with its vintage: ``648 communes (COG 2024 ; 647 depuis 2025)``.

    ``codes`` (default: every commune of the pack) are communes of the reference COG; a merger
    since then among them is stated with the count it leaves.
    """
    all_codes = set(pack.table("commune")["code"])
    codes = all_codes if codes is None else set(codes) & all_codes
    n = len(codes)
    text = f"{fmt_number(n)} commune{'s' if n > 1 else ''} ({reference_cog(pack)}"
    lost, years = 0, []
    for new, members in (pack.diagnostics.get("fusions") or {}).items():
        inside = codes & set(members)
        if len(inside) > 1:
            lost += len(inside) - 1
            years.append(merged_year(pack, new))
    if lost:
        year = max((y for y in years if y), default=None)
        text += f" ; {fmt_number(n - lost)} depuis {year}" if year else f" ; {fmt_number(n - lost)} depuis"
    return text + ")"


# --------------------------------------------------------------------------- sources page

CHECK_SOURCES = ("insee-appartenance-geo-2022",)  # read by `carnet check` (EPCI membership)


def sources_table(pack: Pack) -> pd.DataFrame:
    """Sources used by the pack (statistics, geography, layers, and the controls of ``check``)."""
    from carnet.layers import layer_registry

    cfg = pack.config
    ids = [cfg.contours, cfg.cog, *filter(None, [cfg.cog_recent]), *cfg.sources]
    for lid in pack.layer_ids:
        spec = layer_registry()[lid]
        ids += [spec["source"], *filter(None, [spec.get("locations")])]
    # controls of the build (the pack's EPCI outlines, if any; EPCI membership)
    ids += [*filter(None, [cfg.controle_epci]), *CHECK_SOURCES]
    cat = catalogue()
    rows = [
        {"Source": cat[s].titre, "Producteur": cat[s].producteur, "Millésime": cat[s].millesime,
         "Licence": cat[s].licence, "Lien": cat[s].url, "Identifiant": s}
        for s in dict.fromkeys(ids) if s in cat
    ]
    return pd.DataFrame(rows)


def indicators_table(pack: Pack) -> pd.DataFrame:
    """Every indicator with its theme, unit, definition, rule, source and vintage."""
    rows = [
        {"Thème": ind.theme, "Indicateur": ind.label, "Unité": ind.unit,
         "Définition": ind.definition, "Agrégation": ind.rule_label,
         "Source": source_label(ind), "Identifiant": iid}
        for iid, ind in pack.indicators.items()
    ]
    return pd.DataFrame(rows)


def territory_epcis(pack: Pack) -> pd.DataFrame:
    """Each contract territory with its EPCI and commune counts (the perimeter approximation)."""
    epci = pack.table("epci").set_index("code")
    rows = []
    for t in pack.territoires:
        for e in t.epcis:
            rows.append({"Territoire": t.nom, "EPCI": str(epci["nom"].get(e, e)), "SIREN": e,
                         "Communes retenues": int(epci["communes"].get(e, 0)),
                         "Communes de l'EPCI": int(epci["communes_total"].get(e, 0))})
    return pd.DataFrame(rows)


def mergers_table(pack: Pack) -> pd.DataFrame:
    """Commune mergers found at build time: merged commune, first year published, former communes."""
    names = pack.table("commune").set_index("code")["nom"]
    fus = pack.diagnostics.get("fusions", {}) or {}
    cols = ["Commune nouvelle", "Publiée depuis", "Communes d'origine (COG de référence)"]
    rows = [
        {cols[0]: f"{merged_name(pack, code)} ({code})",
         cols[1]: str(merged_year(pack, code) or "—"),
         cols[2]: ", ".join(f"{names.get(c, c)} ({c})" for c in olds)}
        for code, olds in fus.items()
    ]
    return pd.DataFrame(rows, columns=cols)


def missing_joins(pack: Pack) -> pd.DataFrame:
    """Per statistical source: rows read and communes absent (build diagnostics)."""
    j = pack.diagnostics.get("jointures", {}) or {}
    rows = [
        {"Source": sid, "Lignes lues": fmt_number(d.get("lignes")),
         "Communes absentes": ", ".join(d.get("communes_absentes", [])) or "aucune",
         "Codes inconnus": ", ".join(d.get("codes_inconnus", [])) or "aucun"}
        for sid, d in j.items()
    ]
    return pd.DataFrame(rows)
