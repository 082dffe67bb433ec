"""Build a territory pack from the raw sources.

``python -m carnet build --territoire nord`` reads the pack config and the raw
sources, and writes a cached pack (GeoParquet and Parquet files plus
``meta.json``) into ``data/cache/<id>/``. The pack is rebuilt only when the
config, a registry or a source file changes (fingerprint), and it is written
atomically: built in a temporary folder, then renamed into place, so an
interrupted build never leaves a half pack.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tqdm import tqdm

import carnet
from carnet import paths
from carnet.config import PackConfig, load_config
from carnet.errors import CarnetError, ConfigError
from carnet.geometry import DETAIL_TOLERANCE_M, METRIC_CRS, dissolve, representative_points, simplify_coverage
from carnet.indicators import LEVELS, add_products, aggregate, compute, needed_variables
from carnet.layers import all_stations, build_layer, derived_variables, layer_registry, rep_colleges
from carnet.pack import MERGED, Layout, pack_dir, read_meta
from carnet.readers import normalize_code, to_number
from carnet.sources import CATALOGUE_FILE, get_source

BUILD_FORMAT = 4  # bump when the pack layout or computations change
CENTRE_SOURCE = "insee-comparateur-2024-extrait"
# Modules whose code shapes the pack content: a change rebuilds the pack.
_CODE_MODULES = ("build", "indicators", "layers", "readers", "geometry", "config", "sources", "pack")
STEPS = ("COG", "contours", "territoires", "couches", "variables", "indicateurs", "géométries",
         "écriture")


@dataclass
class BuildResult:
    path: Path
    rebuilt: bool
    seconds: float


# --- fingerprint -------------------------------------------------------------------


def _pack_sources(cfg: PackConfig) -> set[str]:
    """Ids of the sources a pack needs: geography, statistics, layers and their locations."""
    ids = {cfg.contours, cfg.cog, *filter(None, [cfg.cog_recent]), *cfg.sources}
    for c in cfg.couches:
        spec = layer_registry()[c]
        ids |= {spec["source"], *filter(None, [spec.get("locations")])}
    return ids


def _source_paths(sid: str, cfg: PackConfig, sources_dir: Path) -> list[Path]:
    """Where source ``sid`` lives for the pack: one path per département when its path names one."""
    src = get_source(sid)
    return list(dict.fromkeys(src.resolve(sources_dir, **params) for params in cfg.params_all))


def _source_files(cfg: PackConfig, sources_dir: Path) -> list[Path]:
    ids = _pack_sources(cfg) | {CENTRE_SOURCE}
    files = []
    for sid in sorted(ids):
        for p in _source_paths(sid, cfg, sources_dir):
            files.extend(sorted(p.rglob("*")) if p.is_dir() else [p])
    return [f for f in files if not f.is_dir()]


def fingerprint(cfg: PackConfig, sources_dir: Path) -> str:
    """Hash of what a pack depends on: config, registries, code format, source files."""
    h = hashlib.sha256()
    h.update(f"{BUILD_FORMAT}:{carnet.__version__}".encode())
    reg_dir = CATALOGUE_FILE.parent
    code = [Path(__file__).parent / f"{m}.py" for m in _CODE_MODULES]
    for f in [cfg.path, *sorted(reg_dir.glob("*.toml")), *code]:
        h.update(Path(f).read_bytes())
    for f in _source_files(cfg, sources_dir):
        if f.exists():
            st = f.stat()
            h.update(f"{f.relative_to(sources_dir)}:{st.st_size}:{st.st_mtime_ns}".encode())
        else:
            h.update(f"{f}:absent".encode())
    return h.hexdigest()[:16]


# --- helpers of the steps ------------------------------------------------------------


def check_sources_present(cfg: PackConfig, sources_dir: Path) -> None:
    """Step 0: the sources folder and every source of the pack are there (else say what to fetch)."""
    if not sources_dir.exists():
        raise CarnetError(
            f"Dossier des sources introuvable : {sources_dir}\n"
            f"  Indiquez-le avec la variable {paths.ENV_SOURCES} "
            "(par exemple CARNET_SOURCES=../shared/data/sources)."
        )
    missing = []
    for sid in sorted(_pack_sources(cfg)):
        src = get_source(sid)
        for p in _source_paths(sid, cfg, sources_dir):
            if not p.exists():
                missing.append(f"  - {p}\n    source « {sid} » : à télécharger depuis {src.url}")
    if missing:
        raise CarnetError("Source(s) manquante(s) :\n" + "\n".join(missing))


def read_cog(cfg: PackConfig, sources_dir: Path) -> dict:
    """Step « COG »: the communes of the pack's département(s) in the reference COG, with their
    EPCI and arrondissement; EPCI types and sizes; associated and delegated former communes."""
    cog = get_source(cfg.cog).read(sources_dir)
    deps = set(cfg.dep_codes)
    communes = pd.DataFrame(
        [c for c in cog["communes"]
         if c.get("departement") in deps and c["type"] == "commune-actuelle"]
    )
    communes["code"] = communes["code"].astype("string")
    epci_of, epci_nom, epci_type, epci_size = {}, {}, {}, {}
    for e in cog["epci"]:
        for m in e["membres"]:
            epci_of[m["code"]] = e["code"]
        epci_nom[e["code"]] = e["nom"]
        epci_type[e["code"]] = e.get("type", "")
        epci_size[e["code"]] = len(e["membres"])
    arr_nom = {a["code"]: a["nom"] for a in cog["arrondissements"]}
    current = set(communes["code"])
    former = {c["code"]: {"nom": c["nom"], "commune": c["chefLieu"]} for c in cog["communes"]
              if c["type"] in ("commune-associee", "commune-deleguee")
              and c.get("chefLieu") in current and c["code"] != c["chefLieu"]}
    communes["epci"] = communes["code"].map(epci_of).astype("string")
    communes["epci_nom"] = communes["epci"].map(epci_nom).astype("string")
    communes["arrondissement_nom"] = communes["arrondissement"].map(arr_nom).astype("string")
    return {"communes": communes[["code", "nom", "epci", "epci_nom", "arrondissement",
                                  "arrondissement_nom", "population"]],
            "epci_type": epci_type, "epci_size": epci_size, "anciennes": former}


def _mergers(cfg: PackConfig, sources_dir: Path, ref_codes: set[str]
             ) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Commune mergers after the reference COG.

    Returns (new code → former codes of the reference, chef-lieu first; new code → name).
    """
    if not cfg.cog_recent:
        return {}, {}
    recent = get_source(cfg.cog_recent).read(sources_dir)
    out, names = {}, {}
    deps = set(cfg.dep_codes)
    for c in recent["communes"]:
        if c.get("departement") in deps and c["type"] == "commune-actuelle" \
                and c.get("anciensCodes"):
            members = [c["code"], *[a for a in c["anciensCodes"] if a != c["code"]]]
            members = [m for m in members if m in ref_codes]
            if len(members) > 1:
                out[c["code"]] = members
                names[c["code"]] = c["nom"]
    return out, names


def _territory_of(cfg: PackConfig, communes: pd.DataFrame) -> pd.Series:
    terr = pd.Series(pd.NA, index=communes.index, dtype="string")
    for t in cfg.territoires:
        mask = (communes["epci"].isin(t.epcis) | communes["arrondissement"].isin(t.arrondissements)
                | communes["code"].isin(t.communes))
        if t.departements:  # INSEE commune codes begin with the département's
            mask |= communes["code"].str.startswith(t.departements)
        clash = mask & terr.notna()
        if clash.any():
            codes = ", ".join(communes.loc[clash, "code"].head(5))
            raise ConfigError(
                f"Fichier {cfg.path} : commune(s) {codes} dans deux territoires "
                f"({terr[clash].iloc[0]} et {t.id})"
            )
        terr = terr.mask(mask, t.id)
    return terr


def _source_table(sid: str, cfg: PackConfig, sources_dir: Path, cache: dict) -> pd.DataFrame:
    """A source as a string table indexed by commune code (rows of the pack's départements only)."""
    if sid in cache:
        return cache[sid]
    src = get_source(sid)
    if src.reader == "cog":
        raw = src.read(sources_dir)
        deps = set(cfg.dep_codes)
        rows = [c for c in raw["communes"]
                if c.get("departement") in deps and c["type"] == "commune-actuelle"]
        df = pd.DataFrame({"code": [c["code"] for c in rows],
                           "population": [str(c.get("population", "")) for c in rows]})
        df["_line"] = np.arange(len(df)) + 1
        code_col = "code"
    else:
        df = _read_all(src, cfg, sources_dir)
        code_col = src.options["code"]
        df = df[df[code_col].str.startswith(cfg.dep_codes, na=False)]
    df = df.set_index(code_col)
    df.index = df.index.map(normalize_code).astype("string")
    cache[sid] = df
    return df


def _read_all(src, cfg: PackConfig, sources_dir: Path):
    """Source ``src`` for the whole pack: read once, or once per département (rows concatenated)
    when its path names the département (the contours)."""
    parts = [src.read(sources_dir, params) for params in
             {str(src.resolve(sources_dir, **p)): p for p in cfg.params_all}.values()]
    if len(parts) == 1:
        return parts[0]
    out = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=parts[0].crs) \
        if isinstance(parts[0], gpd.GeoDataFrame) else out


def additive_variables(indicators) -> set[str]:
    """The variables every indicator adds up over communes (counts, numerators, denominators,
    weights): those a former commune's row may be summed into its new commune's. The ``var`` of a
    ``weighted`` or ``none`` indicator (a mean, a median) is not additive."""
    add, other = set(), set()
    for ind in indicators:
        if ind.rule in ("sum", "ratio", "growth", "weighted"):
            add |= {v for v in (ind.var if ind.rule == "sum" else None, *ind.num, *ind.num_minus,
                                *ind.den, ind.start, ind.end, ind.weight) if v}
        if ind.rule in ("weighted", "none") and ind.var:
            other.add(ind.var)
    return add - other


def _load_variables(cfg, variables, ref_codes, mergers, sources_dir, diag, former=None,
                    additive=frozenset(), split=None):
    """Raw variables as floats, one row per reference commune, with the absorbed mask.

    Also returns, per merged commune, the COG year of the first source that publishes it
    (L'Orée de Mormal: 2025, the comparateur 2025).
    """
    index = pd.Index(sorted(ref_codes), name="code", dtype="string")
    values = pd.DataFrame(index=index)
    absorbed = pd.DataFrame(False, index=index, columns=[])
    carriers: dict[str, set[str]] = {}
    first_year: dict[str, int] = {}
    tables: dict = {}
    by_source: dict[str, list[str]] = {}
    for v in variables:
        sid, col = v.split(":", 1)
        if sid != "derive":
            by_source.setdefault(sid, []).append(col)
    ref_year = get_source(cfg.cog).cog or 0
    for sid, cols in by_source.items():
        src = get_source(sid)
        df = _source_table(sid, cfg, sources_dir, tables)
        name = str(src.resolve(sources_dir, **cfg.params))
        missing_cols = [c for c in cols if c not in df.columns]
        if missing_cols:
            raise CarnetError(f"Fichier {name} : colonne(s) absente(s) {', '.join(missing_cols)}")
        extra = sorted(set(df.index) - ref_codes)
        absent = sorted(ref_codes - set(df.index))
        diag["jointures"][sid] = {"fichier": name, "lignes": int(len(df)),
                                  "codes_inconnus": extra, "communes_absentes": absent}
        comma = set(src.options.get("decimal_comma", ()))
        secret = src.options.get("secret", ["s"])
        for col in cols:
            num = to_number(df[col], path=name, column=col, secret=secret,
                            decimal_comma=col in comma, lines=df["_line"])
            key = f"{sid}:{col}"
            values[key] = num.reindex(index)
            absorbed[key] = False
            # Rows of communes merged before the reference COG (a source of an older geography:
            # Berzy-le-Sec, 02077, now in Bernoy-le-Château, 02564): the new commune's value is the sum
            # of its former communes' for an additive variable (missing if one is secret), else
            # unknown: the row of the chef-lieu alone covers only part of the new commune.
            olds = [c for c in extra if (former or {}).get(c) in ref_codes]
            for chef in sorted({former[c] for c in olds}):
                parts = [chef, *(c for c in olds if former[c] == chef)]
                vals = num.reindex(parts)
                values.at[chef, key] = (vals.sum() if key in additive and vals.notna().all()
                                        else np.nan)
                diag.setdefault("fusions_anterieures", {}).setdefault(sid, {})[chef] = parts[1:]
            # A commune detached since the source's geography: its row is in its former chef-lieu's
            # (counted once, above the commune level); at commune level both are unknown.
            for code in absent:
                chef = (split or {}).get(code)
                if chef is not None and pd.notna(values.at[chef, key]):
                    absorbed.loc[code, key] = True
                    carriers.setdefault(key, set()).update((chef, code))
            if (src.cog or 0) > ref_year:
                for new, members in mergers.items():
                    chef, others = members[0], members[1:]
                    if pd.notna(values.at[chef, key]) and values.loc[others, key].isna().all():
                        absorbed.loc[others, key] = True
                        carriers.setdefault(key, set()).update(members)
                        first_year[new] = min(first_year.get(new, src.cog), src.cog)
    return values, absorbed, carriers, first_year


def _centres(cfg, communes: gpd.GeoDataFrame, sources_dir, diag) -> gpd.GeoSeries:
    """Commune centres: the published commune centre when known, else a point inside."""
    inside = representative_points(communes)
    try:
        df = get_source(CENTRE_SOURCE).read(sources_dir, cfg.params)
    except CarnetError:
        diag["centres"] = "point intérieur au polygone (centre publié indisponible)"
        return gpd.GeoSeries(inside.values, index=communes.index, crs=4326)
    df = df.drop_duplicates("insee_com").set_index("insee_com")
    lat = to_number(df["lat"]).reindex(communes["code"]).values
    lon = to_number(df["lng"]).reindex(communes["code"]).values
    pts = gpd.points_from_xy(lon, lat, crs=4326)
    ok = ~np.isnan(lat) & ~np.isnan(lon)
    ok &= np.array([p.within(g) if o else False
                    for g, p, o in zip(communes.geometry.values, pts, ok, strict=True)])
    diag["centres"] = (f"centre publié (BAN, {CENTRE_SOURCE}) pour {int(ok.sum())} communes, "
                       f"point intérieur pour {int((~ok).sum())}")
    return gpd.GeoSeries(np.where(ok, pts, inside.values), index=communes.index, crs=4326)


def _epci_crosscheck(cfg, dissolved: gpd.GeoDataFrame, sources_dir: Path) -> dict:
    """Compare EPCI outlines dissolved from communes with IGN's published ones.

    Returns, per EPCI, the share of the published outline covered by the dissolved
    one and the reverse (1.0 = identical); an EPCI that straddles the département
    border is only partly covered. Empty when the pack names no control source
    (``[geographie] controle_epci``) or when it is absent.
    """
    if not cfg.controle_epci:
        return {}
    src = get_source(cfg.controle_epci)
    if not src.resolve(sources_dir).exists():
        return {}
    ref = src.read(sources_dir).to_crs(METRIC_CRS).set_index("code")
    ours = dissolved.to_crs(METRIC_CRS).set_index("code")
    out = {}
    for code, geom in ours.geometry.items():
        if code not in ref.index:
            out[code] = {"absent_de_la_reference": True}
            continue
        other = ref.geometry[code]
        inter = geom.intersection(other).area
        out[code] = {"part_reference_couverte": round(inter / other.area, 4),
                     "part_dissoute_dans_reference": round(inter / geom.area, 4)}
    return out


def _write_atomic(target: Path, writer) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
    try:
        writer(tmp)
        old = None
        if target.exists():
            old = target.parent / f".old-{target.name}-{os.getpid()}"
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --- steps ------------------------------------------------------------------------------


@dataclass
class Mergers:
    """Commune mergers after the reference COG: new code → former codes (chef-lieu first), names."""

    members: dict[str, list[str]]
    names: dict[str, str]
    #: Former communes merged *before* the reference COG (associated or delegated): code → the
    #: reference commune that holds them. A source of an older geography still has their rows.
    former: dict[str, str] = field(default_factory=dict)
    #: Communes detached *after* an older COG of the pack's sources (Les Hauts-Talican, 60694,
    #: delegated commune of 60054 in the COG 2021): code → the commune whose row, in a source of
    #: that geography, covers both (only when both lie in the same EPCI and territory).
    split: dict[str, str] = field(default_factory=dict)


@dataclass
class Variables:
    """Raw variables (floats, one row per reference commune) and what the merged communes carry.

    ``absorbed`` marks the former communes whose value a merged commune carries, ``carriers``
    the communes of each such variable, ``first_year`` the first COG year a source publishes
    each merged commune.
    """

    values: pd.DataFrame
    absorbed: pd.DataFrame
    carriers: dict[str, set[str]]
    first_year: dict[str, int]


@dataclass
class Values:
    """Indicator values: communes, merged communes, each level above, and the commune notes."""

    commune: pd.DataFrame
    merged: pd.DataFrame
    levels: dict[str, pd.DataFrame]
    notes: pd.Series


def read_contours(cfg: PackConfig, cog: dict, sources_dir: Path, diag: dict) -> pd.DataFrame:
    """Step « contours »: commune polygons joined to the COG communes (codes on one side only
    are listed in the diagnostics, never dropped silently)."""
    contours = _read_all(get_source(cfg.contours), cfg, sources_dir)
    contours["code"] = contours["code"].astype("string")
    cog_codes, geo_codes = set(cog["communes"]["code"]), set(contours["code"])
    diag["contours"] = {"communes_cog": len(cog_codes), "polygones": len(geo_codes),
                        "sans_polygone": sorted(cog_codes - geo_codes),
                        "hors_cog": sorted(geo_codes - cog_codes)}
    communes = contours[["code", "geometry"]].merge(cog["communes"], on="code", how="inner")
    return communes.sort_values("code").reset_index(drop=True)


def place_communes(cfg: PackConfig, communes: pd.DataFrame, cog: dict, sources_dir: Path,
                   diag: dict) -> tuple[gpd.GeoDataFrame, Mergers]:
    """Step « territoires »: each commune's territory and centre; mergers since the reference COG."""
    communes["territoire"] = _territory_of(cfg, communes)
    noms = {t.id: t.nom for t in cfg.territoires}
    communes["territoire_nom"] = communes["territoire"].map(noms).astype("string")
    diag["sans_territoire"] = communes.loc[communes["territoire"].isna(), "code"].tolist()
    centres = _centres(cfg, communes, sources_dir, diag)
    communes["centre"] = centres.values
    communes["centre_lon"] = centres.x.values
    communes["centre_lat"] = centres.y.values
    communes = gpd.GeoDataFrame(communes, geometry="geometry", crs=4326)
    members, names = _mergers(cfg, sources_dir, set(communes["code"]))
    diag["fusions"] = {k: v for k, v in members.items()}
    diag["fusions_noms"] = names
    diag["anciennes_communes"] = cog["anciennes"]  # associated/delegated former communes
    former = {code: a["commune"] for code, a in cog["anciennes"].items()}
    split = _splits(cfg, communes, sources_dir)
    diag["scissions"] = split
    return communes, Mergers(members, names, former, split)


def _splits(cfg: PackConfig, communes: pd.DataFrame, sources_dir: Path) -> dict[str, str]:
    """Reference communes that were a delegated or associated part of another reference commune
    in an older COG of the pack's sources: code → that commune (same EPCI and territory only)."""
    ref_year = get_source(cfg.cog).cog or 0
    keyed = communes.set_index("code")
    out: dict[str, str] = {}
    for sid in cfg.sources:
        src = get_source(sid)
        if src.reader != "cog" or (src.cog or 0) >= ref_year:
            continue
        old = src.read(sources_dir)["communes"]
        actual = {c["code"] for c in old if c["type"] == "commune-actuelle"}
        for c in old:
            code, chef = c["code"], c.get("chefLieu")
            if (c["type"] in ("commune-deleguee", "commune-associee") and code not in actual
                    and code in keyed.index and chef in keyed.index and chef != code
                    and keyed.at[code, "epci"] == keyed.at[chef, "epci"]
                    and keyed.at[code, "territoire"] == keyed.at[chef, "territoire"]):
                out[code] = chef
    return out


def build_layers(cfg: PackConfig, communes: gpd.GeoDataFrame, sources_dir: Path, diag: dict
                 ) -> tuple[dict[str, gpd.GeoDataFrame], pd.DataFrame]:
    """Step « couches »: the pack's point and polygon layers, and the commune variables derived
    from them (counts, distances, shares)."""
    layers, reports = {}, {}
    for lid in cfg.couches:
        layers[lid], reports[lid] = build_layer(lid, communes, sources_dir, cfg.params)
    diag["couches"] = reports
    stations = all_stations(sources_dir, cfg.params) if "gares" in cfg.couches else None
    rep = rep_colleges(sources_dir, cfg.params, communes) if "colleges" in cfg.couches else None
    return layers, derived_variables(communes, layers, stations, rep)


def read_variables(cfg: PackConfig, indicators, communes: gpd.GeoDataFrame, mergers: Mergers,
                   derived: pd.DataFrame, sources_dir: Path, diag: dict) -> Variables:
    """Step « variables »: every variable the indicators need, from the sources and the layers."""
    variables = needed_variables(indicators)
    values, absorbed, carriers, first_year = _load_variables(
        cfg, variables, set(communes["code"]), mergers.members, sources_dir, diag,
        former=mergers.former, additive=additive_variables(indicators), split=mergers.split)
    for v in variables:
        if v.startswith("derive:"):
            name = v.split(":", 1)[1]
            if name not in derived.columns:
                raise CarnetError(f"Variable dérivée inconnue : {v}")
            values[v] = derived[name].reindex(values.index).values
            absorbed[v] = False
    return Variables(values, absorbed, carriers, first_year)


def compute_values(cfg: PackConfig, indicators, communes: gpd.GeoDataFrame, mergers: Mergers,
                   var: Variables, diag: dict) -> Values:
    """Step « indicateurs »: indicators of the communes, of the merged communes and of each level
    (ratios of sums, never means of rates); the notes of the merged communes."""
    keyed = communes.set_index("code")
    values, absorbed = var.values, var.absorbed
    commune_vals = compute(indicators, add_products(values, indicators))
    notes = pd.Series("", index=values.index, dtype="string")
    for ind in indicators:
        touched = set().union(*(var.carriers.get(v, set()) for v in ind.variables))
        if touched:
            commune_vals.loc[sorted(touched), ind.id] = np.nan
    for new, members in mergers.members.items():
        noms = keyed["nom"].reindex(members).tolist()
        notes.loc[members] = (
            f"{' et '.join(noms)} ont fusionné en {mergers.names[new]} ({new}) après le COG de "
            "référence : les données publiées depuis portent sur la commune nouvelle (colonne "
            "« Commune nouvelle »), les autres sur chaque ancienne commune.")
    for code, chef in mergers.split.items():
        notes.loc[[chef, code]] = (
            f"{keyed.at[chef, 'nom']} ({chef}) et {keyed.at[code, 'nom']} ({code}) ne formaient qu'une "
            "commune dans la géographie plus ancienne de certaines sources : leurs valeurs y sont "
            "publiées ensemble, comptées une fois dans l'EPCI et le territoire, inconnues pour chacune.")
    # Indicators published on the merged commune (a variable of theirs is carried by it): at
    # commune level, the merged commune has its own row and polygon for these, and its former
    # communes read « fusionnée dans … » (never « non publié », which means secrecy).
    diag["fusions_indicateurs"] = {
        new: [ind.id for ind in indicators
              if any(absorbed[v].loc[members[1:]].any() for v in ind.variables)]
        for new, members in mergers.members.items()}
    diag["fusions_annee"] = {new: var.first_year.get(new) for new in mergers.members}
    merged_vals = pd.DataFrame(columns=[i.id for i in indicators])
    if mergers.members:
        member_of = pd.Series({m: new for new, ms in mergers.members.items() for m in ms})
        sel = member_of.index
        merged_vals = aggregate(indicators, values.loc[sel], member_of, absorbed.loc[sel])
        merged_vals.insert(0, "nom", pd.Series(mergers.names).reindex(merged_vals.index).values)
    levels = {
        "epci": keyed["epci"], "territoire": keyed["territoire"],
        "departement": pd.Series(cfg.dep, index=keyed.index),
    }
    level_vals = {lvl: aggregate(indicators, values, g.reindex(values.index), absorbed)
                  for lvl, g in levels.items()}
    return Values(commune_vals, merged_vals, level_vals, notes)


def build_geometries(cfg: PackConfig, communes: gpd.GeoDataFrame, mergers: Mergers,
                     sources_dir: Path, diag: dict) -> dict[str, dict[str, gpd.GeoDataFrame]]:
    """Step « géométries »: polygons of every level at every detail level (simplified as one
    coverage, then dissolved), of the merged communes, and the control of the EPCI outlines."""
    keyed = communes.set_index("code")
    geo = {"commune": {"complet": communes[["code", "geometry"]]}}
    for detail, tol in DETAIL_TOLERANCE_M.items():
        geo["commune"][detail] = simplify_coverage(communes[["code", "geometry"]], tol)
    for lvl, col in (("epci", "epci"), ("territoire", "territoire"), ("departement", None)):
        geo[lvl] = {}
        for detail, g in geo["commune"].items():
            src = g.assign(key=(keyed[col].reindex(g["code"]).values if col else cfg.dep))
            src = src[src["key"].notna()]
            geo[lvl][detail] = dissolve(src, "key").rename(columns={"key": "code"})
    if mergers.members:
        member_key = {m: new for new, ms in mergers.members.items() for m in ms}
        geo[MERGED] = {}
        for detail, g in geo["commune"].items():
            src = g.assign(key=g["code"].map(member_key))
            geo[MERGED][detail] = dissolve(src[src["key"].notna()], "key").rename(
                columns={"key": "code"})
    diag["controle_epci"] = _epci_crosscheck(cfg, geo["epci"]["complet"], sources_dir)
    return geo


def unit_tables(cfg: PackConfig, communes: gpd.GeoDataFrame, cog: dict) -> dict[str, pd.DataFrame]:
    """The names and commune counts of the EPCI, the territories and the département."""
    epci_tab = (communes.groupby("epci", sort=True)
                .agg(nom=("epci_nom", "first"), territoire=("territoire", "first"),
                     communes=("code", "size")).reset_index().rename(columns={"epci": "code"}))
    epci_tab["communes_total"] = epci_tab["code"].map(cog["epci_size"])
    epci_tab["type"] = epci_tab["code"].map(cog["epci_type"])
    terr_tab = pd.DataFrame([{"code": t.id, "nom": t.nom} for t in cfg.territoires])
    terr_tab["communes"] = terr_tab["code"].map(communes["territoire"].value_counts()).fillna(0)
    dep_tab = pd.DataFrame([{"code": cfg.dep, "nom": cfg.dep_nom, "communes": len(communes)}])
    return {"epci": epci_tab, "territoire": terr_tab, "departement": dep_tab}


def write_pack(target: Path, cfg: PackConfig, fp: str, indicators, communes: gpd.GeoDataFrame,
               cog: dict, geo: dict, vals: Values, var: Variables,
               layers: dict[str, gpd.GeoDataFrame], diag: dict) -> None:
    """Step « écriture »: every file of the pack (:class:`~carnet.pack.Layout`) and ``meta.json``,
    written atomically into ``target``."""
    tables = unit_tables(cfg, communes, cog)

    def writer(tmp: Path):
        files = Layout(tmp)
        attrs = communes.drop(columns=["centre"]).copy()
        attrs["note"] = attrs["code"].map(vals.notes).fillna("")
        attrs.to_parquet(files.communes)
        for lvl, by_detail in geo.items():
            for detail, g in by_detail.items():
                g.to_parquet(files.geometry(lvl, detail))
        vals.commune.reset_index().to_parquet(files.values("commune"))
        vals.merged.rename_axis("code").reset_index().to_parquet(files.values(MERGED))
        for lvl, v in vals.levels.items():
            v.index.name = "code"
            v.reset_index().to_parquet(files.values(lvl))
        var.values.reset_index().to_parquet(files.variables)
        for lvl, tab in tables.items():
            tab.to_parquet(files.table(lvl))
        for lid, layer in layers.items():
            layer.to_parquet(files.layer(lid))
        meta = {
            "pack": cfg.id, "fingerprint": fp, "format": BUILD_FORMAT,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "indicators": [i.id for i in indicators], "layers": list(layers),
            "levels": list(LEVELS), "diagnostics": diag,
        }
        files.meta.write_text(json.dumps(meta, ensure_ascii=False, indent=1, default=str),
                              encoding="utf-8")

    _write_atomic(target, writer)


class _Progress:
    """The progress bar of a build: one tick per step of :data:`STEPS`, its name beside the bar."""

    def __init__(self, pack_id: str, enabled: bool):
        self.bar = tqdm(total=len(STEPS), desc=f"Construction du carnet {pack_id}", disable=not enabled,
                        unit="étape")

    def __call__(self, name: str, func, *args):
        """Run step ``name`` (``func(*args)``) and tick."""
        self.bar.set_postfix_str(name)
        out = func(*args)
        self.bar.update()
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.bar.close()


def build(pack_id: str = "nord", *, force: bool = False, sources_dir: Path | None = None,
          progress: bool = True) -> BuildResult:
    """Build (or reuse) the cached pack ``pack_id``: the steps of :data:`STEPS`, in order.

    Returns
    -------
    BuildResult
        Where the pack is, whether it was rebuilt, and how long it took.
    """
    t0 = time.perf_counter()
    cfg = load_config(pack_id)
    sources_dir = Path(sources_dir) if sources_dir else paths.sources_dir()
    check_sources_present(cfg, sources_dir)
    fp = fingerprint(cfg, sources_dir)
    target = pack_dir(cfg.id)
    meta = read_meta(cfg.id)
    if not force and meta and meta.get("fingerprint") == fp:
        return BuildResult(target, False, time.perf_counter() - t0)

    diag: dict = {"jointures": {}, "couches": {}}
    inds = cfg.indicators
    with _Progress(cfg.id, progress) as step:
        cog = step("COG", read_cog, cfg, sources_dir)
        communes = step("contours", read_contours, cfg, cog, sources_dir, diag)
        communes, mergers = step("territoires", place_communes, cfg, communes, cog, sources_dir, diag)
        layers, derived = step("couches", build_layers, cfg, communes, sources_dir, diag)
        var = step("variables", read_variables, cfg, inds, communes, mergers, derived, sources_dir, diag)
        vals = step("indicateurs", compute_values, cfg, inds, communes, mergers, var, diag)
        geo = step("géométries", build_geometries, cfg, communes, mergers, sources_dir, diag)
        step("écriture", write_pack, target, cfg, fp, inds, communes, cog, geo, vals, var, layers, diag)
    return BuildResult(target, True, time.perf_counter() - t0)
