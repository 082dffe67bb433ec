"""Benchmark of the map layer (results: benchmarks/BENCHMARKS_MAPS.md).

Measures, on the real Nord communes (648) and the real median income (INSEE
comparateur 2025, MED21; 4 communes unpublished or unmatched):

1. payload: choropleth HTML size vs ``gdf.explore(column)`` on the same data
   (explore needs matplotlib; without it that line is skipped);
2. warm build + render time of the choropleth (median of 30);
3. in headless Chromium (Debian ``/usr/bin/chromium`` via Playwright), through
   a throwaway Streamlit app on 127.0.0.1:8599 using ``show_map``: time until
   the commune polygons are drawn (fresh browser, empty cache), requests that
   leave the machine (must be none), and a click → commune code round trip.
   A screenshot is left in ``benchmarks/out/map.png``.

Usage::

    CARNET_SOURCES=/path/to/sources python benchmarks/bench_maps.py [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from tests.support import launch_chromium, start_streamlit, stop  # noqa: E402 - one server/browser start

OUT = ROOT / "benchmarks" / "out"
PORT = 8599
COMMUNES = "contours-admin-express-2018/departements/59-nord/communes-59-nord.geojson"


def sources() -> Path:
    """The sources folder ($CARNET_SOURCES, else the shared copy next to the repo)."""
    env = os.environ.get("CARNET_SOURCES")
    path = Path(env) if env else ROOT.parent / "shared" / "data" / "sources"
    if not (path / COMMUNES).is_file():
        sys.exit(f"Sources introuvables dans {path} : définissez CARNET_SOURCES.")
    return path


def simplify(gdf: gpd.GeoDataFrame, tolerance_m: float = 60.0) -> gpd.GeoDataFrame:
    """Coverage-preserving simplification in Lambert-93 (shared borders stay shared)."""
    metric = gdf.to_crs(2154)
    metric = metric.set_geometry(shapely.coverage_simplify(metric.geometry.values, tolerance_m))
    return metric.to_crs(4326)


def load_communes(src: Path, tolerance_m: float | None = 60.0) -> gpd.GeoDataFrame:
    """Nord communes with the 2021 poverty rate (``s`` = secrecy → NaN)."""
    gdf = gpd.read_file(src / COMMUNES)
    table = pd.read_csv(
        src / "insee-comparateur-2025-nord" / "base_cc_comparateur_2025_59.csv",
        sep=";",
        dtype={"CODGEO": str},
        usecols=["CODGEO", "P22_POP", "TP6021", "MED21"],
    )
    for col in ("TP6021", "MED21"):
        table[col] = pd.to_numeric(
            table[col].astype(str).str.replace(",", ".", regex=False), errors="coerce"
        )
    gdf = gdf.merge(table, left_on="code", right_on="CODGEO", how="left")
    return simplify(gdf, tolerance_m) if tolerance_m else gdf


def load_layers(src: Path) -> dict[str, gpd.GeoDataFrame]:
    """EPCI outlines, PNR polygons, stations, museums and monuments of the Nord."""
    epci = gpd.read_file(src / "epci-contours-2025" / "epci_nord_from_cogiter_2025.geojson")
    pnr = gpd.read_file(src / "parcs-naturels-regionaux" / "PNR_nord_bbox_extract.geojson")
    pnr = pnr.rename(columns={"DRGP_L_LIB": "nom"})
    gares = pd.read_csv(
        src / "sncf-gares-de-voyageurs" / "gares-de-voyageurs.csv",
        sep=";",
        encoding="utf-8-sig",
        dtype=str,
    )
    gares = gares[gares["Code commune"].str.startswith("59", na=False)]
    latlon = gares["Position géographique"].str.split(",", expand=True).astype(float)
    gares = gpd.GeoDataFrame(
        {"nom": gares["Nom"].to_numpy()},
        geometry=gpd.points_from_xy(latlon[1], latlon[0]),
        crs=4326,
    )
    musees = pd.read_csv(
        src / "culture-musees-de-france" / "liste-et-localisation-des-musees-de-france.csv",
        sep=";",
        dtype=str,
    )
    musees = musees[musees["departement"] == "Nord"]
    musees = gpd.GeoDataFrame(
        {"nom": musees["nom_officiel_du_musee"].to_numpy(), "commune": musees["commune"]},
        geometry=gpd.points_from_xy(
            musees["longitude"].astype(float), musees["latitude"].astype(float)
        ),
        crs=4326,
    )
    mh = pd.read_csv(src / "culture-monuments-historiques" / "merimee_nord_59_points.csv")
    mh = gpd.GeoDataFrame(
        {"nom": mh["appellation"], "commune": mh["commune"]},
        geometry=gpd.points_from_xy(mh["lon"], mh["lat"]),
        crs=4326,
    )
    return {"epci": epci, "pnr": pnr, "gares": gares, "musees": musees, "monuments": mh}


def build_map(communes: gpd.GeoDataFrame, layers: dict | None = None, tiles=None):
    """The demo map: poverty-rate choropleth plus (optionally) every overlay."""
    from carnet.maps import (
        add_layer_control,
        add_outlines,
        add_points,
        add_polygons,
        choropleth,
    )

    m = choropleth(
        communes,
        "MED21",
        label="Revenu disponible médian par UC",
        unit="€",
        source="INSEE, Filosofi",
        vintage=2021,
        scheme="quantiles",
        k=5,
        tooltip_fields={"P22_POP": "Population 2022", "TP6021": "Taux de pauvreté (%)"},
        tiles=tiles,
        layer_name="Communes : revenu médian 2021",
        legend_position="bottomleft",  # the Nord's south-west corner is empty
    )
    layers = layers or {}
    if "pnr" in layers:
        add_polygons(
            m, layers["pnr"], label="Parcs naturels régionaux", attribution="INPN, PNR", show=False
        )
    if "epci" in layers:
        add_outlines(m, layers["epci"], label="EPCI (2025)", attribution="IGN Admin Express 2025")
    if "gares" in layers:
        add_points(
            m,
            layers["gares"],
            label="Gares de voyageurs",
            attribution="SNCF Gares & Connexions",
            color="#6a3d9a",
        )
    if "musees" in layers:
        add_points(
            m,
            layers["musees"],
            label="Musées de France",
            attribution="Ministère de la Culture",
            color="#e66101",
            tooltip_fields={"commune": "Commune"},
            show=False,
        )
    if "monuments" in layers:
        add_points(
            m,
            layers["monuments"],
            label="Monuments historiques",
            attribution="Ministère de la Culture, Mérimée",
            color="#b2182b",
            tooltip_fields={"commune": "Commune"},
            cluster=True,
            show=False,
        )
    add_layer_control(m)
    return m


# ----------------------------------------------------------------------- 1 and 2


def bench_payload(src: Path) -> dict:
    """HTML sizes (ours simplified and raw, explore raw) and warm build time."""
    raw = load_communes(src, tolerance_m=None)
    simp = load_communes(src, tolerance_m=60.0)
    res: dict = {}
    res["ours_raw_kb"] = len(build_map(raw).get_root().render().encode()) / 1024
    res["ours_simplified_kb"] = len(build_map(simp).get_root().render().encode()) / 1024
    try:
        import matplotlib  # noqa: F401

        html = raw.explore("MED21").get_root().render()
        res["explore_kb"] = len(html.encode()) / 1024
    except ImportError:
        res["explore_kb"] = None
    for _ in range(3):  # warm-up
        build_map(simp).get_root().render()
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        build_map(simp).get_root().render()
        times.append((time.perf_counter() - t0) * 1000)
    res["build_render_ms_median"] = statistics.median(times)
    res["build_render_ms_p90"] = sorted(times)[int(0.9 * len(times)) - 1]
    layers = load_layers(src)
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        html = build_map(simp, layers).get_root().render()
        times.append((time.perf_counter() - t0) * 1000)
    res["full_map_kb"] = len(html.encode()) / 1024
    res["full_map_ms_median"] = statistics.median(times)
    return res


def bench_atlas(runs: int = 10) -> dict | None:
    """The atlas's own map (carnet.maps.atlas): the Nord's communes with every overlay.

    Needs the built Nord pack (``python -m carnet build --territoire nord``); None without it.
    """
    from carnet.errors import CarnetError
    from carnet.maps import atlas
    from carnet.pack import load_pack

    try:
        pack = load_pack("nord")
    except CarnetError:
        return None
    overlays = tuple(atlas.overlays())
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        html = atlas.commune_map(pack, None, "taux_chomage_2022", overlays=overlays
                                 ).get_root().render()
        times.append((time.perf_counter() - t0) * 1000)
    return {"kb": len(html.encode()) / 1024, "ms_median": statistics.median(times)}


# ------------------------------------------------------------------------ browser

APP = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from benchmarks.bench_maps import build_map, load_communes, load_layers
from carnet.ui.assets import show_map
from pathlib import Path

st.set_page_config(page_title="Banc d'essai carte", layout="wide")

@st.cache_resource
def data():
    src = Path({src!r})
    return load_communes(src), load_layers(src)

communes, layers = data()
if st.query_params.get("couches") == "aucune":  # baseline: Streamlit alone, no map
    st.markdown("Commune sélectionnée : **aucune carte**")
    st.stop()
if st.query_params.get("couches") == "toutes":
    m = build_map(communes, layers)
else:  # the atlas's commune map: choropleth + EPCI outlines
    m = build_map(communes, {{"epci": layers["epci"]}})
code = show_map(m, key="carte", height=620)
st.markdown(f"Commune sélectionnée : **{{code}}**")
"""

SCENARIOS = {
    "sans carte": "?couches=aucune",  # baseline: the same page without the map
    "communes": "?couches=epci",  # choropleth + EPCI outlines + layer control
    "complete": "?couches=toutes",  # + PNR, stations, museums, clustered monuments
}


def _map_frame(page, timeout_s: float = 30):
    """The streamlit-folium component iframe (waits for it)."""
    handle = page.wait_for_selector(
        "iframe[title='streamlit_folium.st_folium']", timeout=timeout_s * 1000
    )
    return handle.content_frame()


def bench_browser(src: Path, runs: int = 5) -> dict:
    """Time to visible polygons in headless Chromium through Streamlit.

    For each scenario: one load to warm the server (data cached by the app),
    then ``runs`` loads each in a freshly launched browser (empty cache). The
    time is read on the page's own clock (0 = navigation start): the second
    animation frame after the map script added its layers, i.e. the polygons
    are painted. The moment Playwright sees >= 600 commune paths is also kept:
    it lags by a few hundred ms on a loaded 2-core machine (polling through
    the DevTools protocol). The "sans carte" baseline is the same page without
    the map, timed when its text enters the DOM. Every request leaving
    127.0.0.1 is recorded.
    """
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", PORT)) == 0:
            raise RuntimeError(f"le port {PORT} est déjà pris")
    tmp = Path(tempfile.mkdtemp(prefix="carnet-bench-"))
    # static/ must sit next to the main script: link the repo's static folder.
    (tmp / "static").symlink_to(ROOT / "static", target_is_directory=True)
    (tmp / "bench_app.py").write_text(APP.format(root=str(ROOT), src=str(src)), encoding="utf-8")
    log = open(tmp / "streamlit.log", "w")  # noqa: SIM115
    proc = None
    res: dict = {"external_requests": []}
    try:
        proc, _ = start_streamlit(dict(os.environ), tmp, script=str(tmp / "bench_app.py"), port=PORT,
                                  extra_args=["--server.enableStaticServing", "true"], log=log)
        with sync_playwright() as p:
            for name, query in SCENARIOS.items():
                url = f"http://127.0.0.1:{PORT}/{query}"
                times = []
                for i in range(runs + 1):
                    ms, page, browser = _load(p, url, res["external_requests"])
                    if i == 0:
                        res.setdefault("first_load_ms", {})[name] = ms
                    else:
                        times.append(ms)
                    if name == "complete" and i == runs:
                        res.update(_interact(page))
                    browser.close()
                res.setdefault("runs_ms", {})[name] = times
                if _BREAKDOWN:
                    last = _BREAKDOWN[-runs:]
                    res.setdefault("breakdown_ms", {})[name] = [
                        statistics.median(b[i] for b in last) for i in range(4)
                    ]
                    _BREAKDOWN.clear()
                res.setdefault("median_ms", {})[name] = statistics.median(times)
    finally:
        if proc is not None:
            stop(proc)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def _load(p, url: str, external: list[str]):
    """Open ``url`` in a new browser; return (ms until polygons, page, browser)."""
    browser = launch_chromium(p)
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(("http://127.0.0.1", "data:")) else external.append(r.url)
        ),
    )
    page.add_init_script(_TEXT_SEEN)
    t0 = time.perf_counter()
    page.goto(url)
    if "aucune" in url:
        page.get_by_text("aucune carte").wait_for(timeout=30000)
        return page.evaluate("window.__textSeen"), page, browser
    frame = _map_frame(page)
    frame.wait_for_function(
        "document.querySelectorAll('path.leaflet-interactive').length >= 600", timeout=30000
    )
    observed = (time.perf_counter() - t0) * 1000
    # On the page's clock (0 = navigation start): creation of the map's iframe,
    # start of the map script, and the second animation frame after the layers
    # were added (performance marks set by carnet.maps): the polygons are painted.
    origin = page.evaluate("performance.timeOrigin")
    marks = frame.evaluate(
        """() => [performance.timeOrigin,
                  Object.fromEntries(performance.getEntriesByType("mark")
                    .filter(m => m.name.startsWith("carnet-")).map(m => [m.name, m.startTime]))]"""
    )
    offset = marks[0] - origin
    painted = offset + marks[1]["carnet-layer-painted"]
    _BREAKDOWN.append((offset, offset + marks[1]["carnet-map-start"], painted, observed))
    return painted, page, browser


# Records (page clock) when the baseline page's text enters the DOM.
_TEXT_SEEN = """
if (window === window.top) {
  new MutationObserver((_, obs) => {
    if (document.body && document.body.innerText.includes("aucune carte")) {
      window.__textSeen = performance.now();
      obs.disconnect();
    }
  }).observe(document, {childList: true, subtree: true, characterData: true});
}
"""

_BREAKDOWN: list[tuple[float, float, float, float]] = []


def _interact(page) -> dict:
    """Screenshot, then click Lille and read the code the page shows."""
    OUT.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(OUT / "map.png"))
    out: dict = {"screenshot": str(OUT / "map.png")}
    # Click the feature whose tooltip says Lille: find its path via Leaflet.
    frame = _map_frame(page)
    box = frame.evaluate(
        """() => {
        let found = null;
        window.map.eachLayer(l => {
          if (l.feature && l.feature.properties && l.feature.properties.code === "59350") {
            const b = l.getBounds(), c = window.map.latLngToContainerPoint(b.getCenter());
            found = [c.x, c.y];
          }
        });
        return found;
    }"""
    )
    frame_el = page.query_selector("iframe[title='streamlit_folium.st_folium']")
    origin = frame_el.bounding_box() if frame_el else {"x": 0, "y": 0}
    if box:
        page.mouse.click(origin["x"] + box[0], origin["y"] + box[1])
        try:
            page.get_by_text("Commune sélectionnée : 59350").wait_for(timeout=10000)
            out["click_returns_code"] = True
        except Exception:  # noqa: BLE001
            out["click_returns_code"] = False
        page.wait_for_timeout(400)
        page.mouse.move(origin["x"] + box[0] + 40, origin["y"] + box[1] + 30)
        page.wait_for_timeout(400)
        page.screenshot(path=str(OUT / "map_click.png"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    src = sources()
    pay = bench_payload(src)
    print(f"choropleth HTML, communes brutes        : {pay['ours_raw_kb']:.1f} KB")
    print(f"choropleth HTML, simplifiées (60 m)     : {pay['ours_simplified_kb']:.1f} KB")
    if pay["explore_kb"] is not None:
        ratio = pay["explore_kb"] / pay["ours_raw_kb"]
        print(f"gdf.explore() mêmes données (brutes)    : {pay['explore_kb']:.1f} KB")
        print(f"rapport explore / nous (brutes)         : {ratio:.1f}x")
        print(
            "rapport explore / nous (simplifiées)    : "
            f"{pay['explore_kb'] / pay['ours_simplified_kb']:.1f}x"
        )
    else:
        print("gdf.explore() : matplotlib absent, mesure sautée")
    print(
        f"construction + rendu, médiane (p90)     : {pay['build_render_ms_median']:.1f} ms "
        f"({pay['build_render_ms_p90']:.1f} ms)"
    )
    print(
        f"carte complète (5 couches) : {pay['full_map_kb']:.1f} KB, "
        f"{pay['full_map_ms_median']:.1f} ms"
    )
    atl = bench_atlas()
    if atl is None:
        print("carte de l'atlas : carnet nord non construit, mesure sautée")
    else:
        print(f"carte de l'atlas (Nord, toutes couches) : {atl['kb']:.1f} KB, "
              f"{atl['ms_median']:.1f} ms")
    if args.no_browser:
        return 0
    br = bench_browser(src, runs=args.runs)
    for name in SCENARIOS:
        runs = ", ".join(f"{x:.0f}" for x in br["runs_ms"][name])
        first = br["first_load_ms"][name]
        print(f"[{name}] premier chargement du scénario : {first:.0f} ms")
        print(
            f"[{name}] navigateur neuf → polygones peints (ou texte affiché) : "
            f"médiane {br['median_ms'][name]:.0f} ms ({runs})"
        )
        if name in br.get("breakdown_ms", {}):
            iframe, start, painted, observed = br["breakdown_ms"][name]
            print(
                f"[{name}]   médianes : iframe créée à {iframe:.0f} ms, script de la carte à "
                f"{start:.0f} ms, polygones peints à {painted:.0f} ms "
                f"(vus par Playwright à {observed:.0f} ms)"
            )
    ext = br["external_requests"]
    print(f"requêtes sortant de la machine : {len(ext)} {ext[:5]}")
    print(f"clic sur Lille → code 59350 affiché : {br.get('click_returns_code')}")
    print(f"capture : {br.get('screenshot')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
