"""A tiny territory pack built in code: no sources folder, a few milliseconds.

:func:`make_pack` writes what :func:`carnet.pack.load_pack` reads — the pack config
(``territoire.toml``) and the cache folder (Parquet, GeoParquet and ``meta.json``, the
layout of :func:`carnet.build.build`) — from the small frames below. Indicator values come
from the project's own engine (:func:`carnet.indicators.compute` and
:func:`~carnet.indicators.aggregate`) and polygons from :mod:`carnet.geometry`, exactly as
the build does; the tests assert figures computed by hand from :data:`COMMUNES`.

Six communes (codes with a leading zero, kept as strings), three EPCI, two territories:

=========  ======================  =========  ==========  =======  =======  ======  ====  ====  =====
code       nom                     EPCI       territoire  P22_POP  P18_POP  SUPERF  ACT   CHOM  MED21
=========  ======================  =========  ==========  =======  =======  ======  ====  ====  =====
02001      Aubeville               200000001  plateau      1 000      900    10.0    500    50  21000
02002      Bellecourt              200000001  plateau      3 000    3 100    20.0  1 500   300  19000
02003      Castelmont              200000002  plateau      2 000    2 000    10.0  1 000   100  secret
02004      Dunois-l'Abbaye         200000003  val            500      450     5.0    200    20  22000
02005      Épinville               200000003  val          4 000    3 900    30.0  2 000   160  20000
02006      Fontaine-sur-Aubette    200000003  val          2 500    2 400    25.0    800   120  18500
=========  ======================  =========  ==========  =======  =======  ======  ====  ====  =====

By hand: population 2022 plateau 6 000, val 7 000, département 13 000; density plateau
6 000 / 40 = 150,0 hab./km², val 7 000 / 60 = 116,7; unemployment rate (ratio of sums)
plateau 450 / 3 000 = 15,0 % (the mean of its communes' rates would be 13,3 %), val
300 / 3 000 = 10,0 %, département 750 / 6 000 = 12,5 %; the median income of Castelmont
is secret (« non publié »), and a median is never aggregated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

PACK_ID = "mini"
DEP = "02"
DEP_NOM = "Aisne"
COMPARATEUR = "insee-comparateur-2025-nord"  # RP 2022, Filosofi 2021
COMPARATEUR_2021 = "insee-comparateur-2021"  # RP 2018
#: Indicators of the tiny pack: counts (population at two vintages, area), ratios of sums
#: (density, unemployment rate) and a non-aggregable median with a secret value.
INDICATORS = ("pop_2022", "pop_2018", "superficie", "densite_2022", "taux_chomage_2022",
              "revenu_median_2021")

TERRITOIRES = (
    ("plateau", "Pays du Plateau", ("200000001", "200000002")),
    ("val", "Val d'Aubette", ("200000003",)),
)
EPCI = {"200000001": "CC du Plateau", "200000002": "CC de Castelmont",
        "200000003": "CA du Val d'Aubette"}

# code, nom, epci, (column, row) of its 0.1° square, P22_POP, P18_POP, SUPERF, ACT, CHOM, MED21
COMMUNES = [
    ("02001", "Aubeville", "200000001", (0, 1), 1000, 900, 10.0, 500, 50, 21000),
    ("02002", "Bellecourt", "200000001", (1, 1), 3000, 3100, 20.0, 1500, 300, 19000),
    ("02003", "Castelmont", "200000002", (2, 1), 2000, 2000, 10.0, 1000, 100, None),
    ("02004", "Dunois-l'Abbaye", "200000003", (0, 0), 500, 450, 5.0, 200, 20, 22000),
    ("02005", "Épinville", "200000003", (1, 0), 4000, 3900, 30.0, 2000, 160, 20000),
    ("02006", "Fontaine-sur-Aubette", "200000003", (2, 0), 2500, 2400, 25.0, 800, 120, 18500),
]
ORIGIN = (3.3, 49.5)  # lon, lat of the south-west corner of the grid
SIDE = 0.1


@dataclass(frozen=True)
class TinyPack:
    """Where :func:`make_pack` wrote the tiny pack."""

    id: str
    packs_dir: Path  #: folder of pack configs (``<id>/territoire.toml``): ``carnet.paths.PACKS_DIR``
    cache_dir: Path  #: build cache folder: ``$CARNET_CACHE``
    path: Path  #: the pack's own cache folder


def _config_toml(pack_id: str) -> str:
    terr = "\n".join(
        f'[[territoires]]\nid = "{tid}"\nnom = "{nom}"\nepcis = {json.dumps(list(epcis))}\n'
        for tid, nom, epcis in TERRITOIRES)
    return f"""# Tiny pack of the fast tests (tests/fixtures.py): built in code, no sources folder.
id = "{pack_id}"
nom = "{DEP_NOM}"
titre = "Département de l'{DEP_NOM}"

[departement]
code = "{DEP}"
nom = "{DEP_NOM}"
slug = "aisne"

[geographie]
contours = "contours-admin-express-2018"
cog = "cog-decoupage-administratif-2024"

[perimetre]
niveau = "territoire"
libelle = "Territoire de contrat"
libelle_pluriel = "Territoires de contrat"

{terr}
[indicateurs]
inclure = {json.dumps(list(INDICATORS))}

[sources]
utiliser = ["{COMPARATEUR}", "{COMPARATEUR_2021}"]

[couches]
utiliser = []
"""


def communes_frame() -> gpd.GeoDataFrame:
    """The communes table of the pack (``communes.parquet``), squares in WGS84."""
    terr_of = {e: (tid, nom) for tid, nom, epcis in TERRITOIRES for e in epcis}
    rows = []
    for code, nom, epci, (col, row), pop, *_ in COMMUNES:
        x0, y0 = ORIGIN[0] + col * SIDE, ORIGIN[1] + row * SIDE
        rows.append({
            "code": code, "nom": nom, "epci": epci, "epci_nom": EPCI[epci],
            "arrondissement": "021", "arrondissement_nom": "Laon", "population": pop,
            "territoire": terr_of[epci][0], "territoire_nom": terr_of[epci][1],
            "centre_lon": x0 + SIDE / 2, "centre_lat": y0 + SIDE / 2,
            "geometry": box(x0, y0, x0 + SIDE, y0 + SIDE)})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    for c in ("code", "nom", "epci", "epci_nom", "arrondissement", "arrondissement_nom",
              "territoire", "territoire_nom"):
        gdf[c] = gdf[c].astype("string")
    return gdf


def variables_frame() -> pd.DataFrame:
    """Raw variables by commune, as floats (``<source>:<column>``), NaN where secret."""
    cols = [f"{COMPARATEUR}:P22_POP", f"{COMPARATEUR_2021}:P18_POP", f"{COMPARATEUR}:SUPERF",
            f"{COMPARATEUR}:P22_ACT1564", f"{COMPARATEUR}:P22_CHOM1564", f"{COMPARATEUR}:MED21"]
    data = [[np.nan if v is None else float(v) for v in c[4:]] for c in COMMUNES]
    index = pd.Index([c[0] for c in COMMUNES], name="code", dtype="string")
    return pd.DataFrame(data, index=index, columns=cols)


def make_pack(tmp_path: Path, pack_id: str = PACK_ID) -> TinyPack:
    """Write the tiny pack under ``tmp_path`` (config and cache); return where.

    Point the code at it with ``monkeypatch.setattr(carnet.paths, "PACKS_DIR", t.packs_dir)``
    and ``monkeypatch.setenv("CARNET_CACHE", str(t.cache_dir))`` (the ``tiny`` fixture of
    ``tests/conftest.py`` does both).
    """
    from carnet.config import CONFIG_NAME
    from carnet.geometry import DETAIL_TOLERANCE_M, dissolve
    from carnet.indicators import LEVELS, aggregate, compute, registry

    tmp_path = Path(tmp_path)
    packs_dir, cache_dir = tmp_path / "territoires", tmp_path / "cache"
    (packs_dir / pack_id).mkdir(parents=True, exist_ok=True)
    (packs_dir / pack_id / CONFIG_NAME).write_text(_config_toml(pack_id), encoding="utf-8")
    out = cache_dir / pack_id
    out.mkdir(parents=True, exist_ok=True)

    indicators = [registry()[i] for i in INDICATORS]
    communes = communes_frame()
    values = variables_frame()
    keyed = communes.set_index("code")
    commune_vals = compute(indicators, values)
    levels = {"epci": keyed["epci"], "territoire": keyed["territoire"],
              "departement": pd.Series(DEP, index=keyed.index)}
    level_vals = {lvl: aggregate(indicators, values, g.reindex(values.index))
                  for lvl, g in levels.items()}

    attrs = communes.copy()
    attrs["note"] = ""
    attrs.to_parquet(out / "communes.parquet")
    geo = {"commune": communes[["code", "geometry"]]}
    for lvl, col in (("epci", "epci"), ("territoire", "territoire"), ("departement", None)):
        src = geo["commune"].assign(key=keyed[col].reindex(communes["code"]).values if col else DEP)
        geo[lvl] = dissolve(src, "key").rename(columns={"key": "code"})
    # Squares need no simplification: every detail level holds the same polygons.
    for lvl, g in geo.items():
        for detail in ("complet", *DETAIL_TOLERANCE_M):
            g.to_parquet(out / f"geo_{lvl}_{detail}.parquet")
    commune_vals.reset_index().to_parquet(out / "values_commune.parquet")
    pd.DataFrame(columns=["nom", *INDICATORS]).rename_axis("code").reset_index().to_parquet(
        out / "values_fusion.parquet")
    for lvl, vals in level_vals.items():
        vals.index.name = "code"
        vals.reset_index().to_parquet(out / f"values_{lvl}.parquet")
    values.reset_index().to_parquet(out / "variables_commune.parquet")
    epci_tab = pd.DataFrame(
        [{"code": e, "nom": n, "territoire": tid, "communes": int((communes["epci"] == e).sum()),
          "type": "CA" if n.startswith("CA") else "CC"}
         for tid, _, epcis in TERRITOIRES for e in epcis for n in [EPCI[e]]])
    epci_tab["communes_total"] = epci_tab["communes"]
    epci_tab.to_parquet(out / "table_epci.parquet")
    terr_tab = pd.DataFrame([{"code": tid, "nom": nom,
                              "communes": float((communes["territoire"] == tid).sum())}
                             for tid, nom, _ in TERRITOIRES])
    terr_tab.to_parquet(out / "table_territoire.parquet")
    pd.DataFrame([{"code": DEP, "nom": DEP_NOM, "communes": len(communes)}]).to_parquet(
        out / "table_departement.parquet")
    sources = {COMPARATEUR: [c for c in values.columns if c.startswith(COMPARATEUR + ":")],
               COMPARATEUR_2021: [f"{COMPARATEUR_2021}:P18_POP"]}
    diag = {
        "jointures": {sid: {"fichier": f"(en mémoire : tests/fixtures.py, {sid})",
                            "lignes": len(COMMUNES), "codes_inconnus": [],
                            "communes_absentes": []} for sid in sources},
        "couches": {},
        "contours": {"communes_cog": len(COMMUNES), "polygones": len(COMMUNES),
                     "sans_polygone": [], "hors_cog": []},
        "sans_territoire": [], "centres": "centre du carré (pack de test)",
        "fusions": {}, "fusions_noms": {}, "anciennes_communes": {},
        "fusions_indicateurs": {}, "fusions_annee": {}, "controle_epci": {},
    }
    meta = {"pack": pack_id, "fingerprint": "tests-fixtures", "format": 0,
            "built_at": "2026-01-01T00:00:00+0000", "indicators": list(INDICATORS),
            "layers": [], "levels": list(LEVELS), "diagnostics": diag}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return TinyPack(id=pack_id, packs_dir=packs_dir, cache_dir=cache_dir, path=out)
