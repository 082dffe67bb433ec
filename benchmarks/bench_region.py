"""Benchmark of the region pack (results: benchmarks/bench_region.md).

Measures, in one run on this machine:

1. build time of the Hauts-de-France pack (``hdf``: five départements, ~3 800 communes) from
   the real sources, forced, into a temporary cache (``carnet.build.build``);
2. payload: the HTML of :func:`carnet.maps.region.region_map` (EPCI below zoom 9, communes
   from it on) against ``gdf.explore(column)`` on the same commune frame (the same polygons,
   the pack's coarse ``departement`` detail, the same values), both without basemap;
3. in headless Chromium (Debian ``/usr/bin/chromium`` via Playwright), each page served from
   127.0.0.1 in a fresh browser: time to first paint of the polygons (page clock, 0 =
   navigation start; the first animation frame where the expected number of paths is in the
   DOM), bytes transferred, and for our map the time to draw the communes after a zoom to 10.
   ``explore`` loads Leaflet and its plugins from CDNs: Leaflet is answered from
   ``static/vendor`` (1.9.4 for its 1.9.3), every other CDN request is aborted (counted) and
   nothing leaves the machine. Screenshots in ``benchmarks/out/region-*.png``.

Usage::

    CARNET_SOURCES=/path/to/sources python benchmarks/bench_region.py [--runs 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "benchmarks" / "out"
PORT = 8662
IID = "taux_chomage_2021"


def build_pack(cache: Path) -> float:
    """Seconds to build ``hdf`` afresh into ``cache``."""
    os.environ["CARNET_CACHE"] = str(cache)
    from carnet.build import build

    return build("hdf", force=True, progress=False).seconds


def pages(out: Path) -> dict:
    """Write our map and explore's on the same frame into ``out``; their sizes and build times."""
    from carnet.fiches import commune_map_frame
    from carnet.maps.region import DETAIL, region_map
    from carnet.pack import load_pack

    pack = load_pack("hdf")
    t0 = time.perf_counter()
    ours = region_map(pack, IID).get_root().render()
    t_ours = time.perf_counter() - t0
    frame = commune_map_frame(pack, None, IID, detail=DETAIL)
    t0 = time.perf_counter()
    theirs = frame[["code", "nom", "valeur", "geometry"]].explore("valeur", tiles=None).get_root().render()
    t_theirs = time.perf_counter() - t0
    (out / "ours.html").write_text(ours, encoding="utf-8")
    (out / "explore.html").write_text(theirs, encoding="utf-8")
    return {"communes": len(frame), "epci": len(pack.table("epci")),
            "ours_bytes": len(ours.encode()), "explore_bytes": len(theirs.encode()),
            "ours_render_s": t_ours, "explore_render_s": t_theirs}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``root``; ``/app/static/vendor/…`` (our maps' asset URL) from ``static/vendor``."""

    def translate_path(self, path):
        if path.startswith("/app/static/"):
            return str(ROOT / "static" / path.removeprefix("/app/static/").split("?")[0])
        return super().translate_path(path)

    def log_message(self, *args):
        pass


PAINTED = """n => { const k = document.querySelectorAll('path.leaflet-interactive').length;
  return k >= n ? performance.now() : false; }"""


def _vendor(url: str) -> Path | None:
    name = url.rsplit("/", 1)[-1]
    if "leaflet@" in url and name in ("leaflet.js", "leaflet.css"):
        return ROOT / "static" / "vendor" / "leaflet-1.9.4" / name
    return None


def load_once(browser, url: str, paths: int, shot: Path | None, zoom_to: int | None = None,
              zoom_paths: int = 0) -> dict:
    """One load in a fresh context: paint time, bytes, aborted requests (and a zoom)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    got = {"bytes": 0, "aborted": [], "external": []}

    def route(r):
        u = r.request.url
        if u.startswith(f"http://127.0.0.1:{PORT}/"):
            resp = r.fetch()  # counted here: every byte the page receives
            got["bytes"] += len(resp.body())
            return r.fulfill(response=resp)
        local = _vendor(u)
        if local is not None:
            got["bytes"] += local.stat().st_size
            return r.fulfill(path=str(local))
        got["aborted"].append(u)
        return r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="commit")
    paint = page.wait_for_function(PAINTED, arg=paths, polling="raf", timeout=120_000).json_value()
    page.wait_for_load_state("load")
    res = {"paint_ms": paint, "paths": page.evaluate(
        "document.querySelectorAll('path.leaflet-interactive').length"),
        "marks": page.evaluate("""() => Object.fromEntries([
          ...performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)]),
          ['responseEnd', Math.round(performance.getEntriesByType('navigation')[0].responseEnd)],
          ['domContentLoaded',
           Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)]])""")}
    if shot:
        page.screenshot(path=str(shot))
    if zoom_to is not None:
        # Retried until the map is at the zoom (under load a first call was seen dropped); the
        # time counts from the first call.
        t0 = page.evaluate("""async z => {
          const m = window[Object.keys(window).find(k => k.startsWith('map_'))];
          const t = performance.now();
          for (let i = 0; i < 100 && m.getZoom() !== z; i++) {
            m.setView(m.getCenter(), z, {animate: false, reset: true});
            await new Promise(r => setTimeout(r, 100));
          }
          return t; }""", zoom_to)
        try:
            t1 = page.wait_for_function(PAINTED, arg=zoom_paths, polling="raf", timeout=60_000).json_value()
            res["zoom_ms"] = t1 - t0
        except PlaywrightTimeout:  # reported, not hidden: the communes never came
            res["zoom_ms"] = float("nan")
            res["zoom_paths"] = page.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
            res["zoom"] = page.evaluate("""() => window[Object.keys(window).find(k => k.startsWith('map_'))]
              .getZoom()""")
        res["level"] = page.evaluate("document.querySelector('.leaflet-container').dataset.carnetLevel")
        if shot:
            page.screenshot(path=str(shot.with_name(shot.stem + f"-zoom{zoom_to}.png")))
    res["bytes"] = got["bytes"]
    res["aborted"] = len(got["aborted"])
    ctx.close()
    return res


def bench_browser(out: Path, info: dict, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.support import launch_chromium

    handler = functools.partial(_Handler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    res: dict = {"ours": [], "explore": []}
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            for i in range(runs):
                for name, paths in (("ours", info["epci"]), ("explore", info["communes"])):
                    browser = launch_chromium(pw)  # fresh: empty cache
                    try:
                        res[name].append(load_once(
                            browser, f"http://127.0.0.1:{PORT}/{name}.html", paths,
                            OUT / f"region-{name}.png" if i == 0 else None,
                            zoom_to=10 if name == "ours" else None, zoom_paths=300))
                    finally:
                        browser.close()
    finally:
        server.shutdown()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    if not os.environ.get("CARNET_SOURCES"):
        sys.exit("Définissez CARNET_SOURCES (le dossier des sources).")
    print(f"Machine : {os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.2f} "
          f"{os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    with tempfile.TemporaryDirectory(prefix="carnet-region-") as tmp:
        tmp = Path(tmp)
        (tmp / "cache").mkdir()
        secs = build_pack(tmp / "cache")
        print(f"Construction du carnet hdf : {secs:.1f} s")
        info = pages(tmp)
        print(f"Communes : {info['communes']}, EPCI : {info['epci']}")
        print(f"HTML : nôtre {info['ours_bytes'] / 1e6:.2f} Mo ({info['ours_render_s']:.2f} s), "
              f"explore {info['explore_bytes'] / 1e6:.2f} Mo ({info['explore_render_s']:.2f} s)")
        if args.no_browser:
            return
        res = bench_browser(tmp, info, args.runs)
        for name, rows in res.items():
            paint = [r["paint_ms"] for r in rows]
            line = (f"{name} : première peinture médiane {statistics.median(paint):.0f} ms "
                    f"({', '.join(f'{p:.0f}' for p in paint)}), transférés "
                    f"{rows[0]['bytes'] / 1e6:.2f} Mo, chemins {rows[0]['paths']}, "
                    f"requêtes CDN avortées {rows[0]['aborted']}")
            print(f"  repères (ms) : {rows[0]['marks']}")
            if "zoom_ms" in rows[0]:
                z = [r["zoom_ms"] for r in rows]
                line += (f" ; zoom 10 → communes ({rows[0]['level']}) "
                         f"{', '.join(f'{x:.0f}' for x in z)} ms")
                line += "".join(f" [échec : {r['zoom_paths']} chemins au zoom {r['zoom']}]"
                                for r in rows if "zoom_paths" in r)
            print(line)
    print(f"Charge après : {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
