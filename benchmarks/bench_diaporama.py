"""Benchmark: the Cambrésis's story as a deck and as the Présentation page (issue #11 §2-3).

Run: ``.venv/bin/python benchmarks/bench_diaporama.py [--browser]`` (needs the built ``nord``
pack in ``data/cache`` or ``$CARNET_CACHE``; a temporary SQLite registry). Measures:

1. the offline HTML deck (:func:`carnet.recits.cli.diaporama`, what the page's download
   button builds): time (median of 3) and size;
2. the page in AppTest: the first run of the Présentation page (story resolved, map built),
   then a click on « Suivante » to a map slide and to a slide without one (cached story);
3. with ``--browser``: the app in headless Chromium at 1920×1080, from ArrowRight pressed to
   the next slide's title shown, and to the map's polygons drawn (median over the slides).

Writes nothing; paste the printed Markdown into ``benchmarks/bench_diaporama.md``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def bench_deck(pack) -> tuple[float, float, int]:
    """(first build, median of the next 3, size in bytes) of the Cambrésis deck."""
    from carnet.recits.cli import diaporama

    times, out = [], ""
    for _ in range(4):
        t0 = time.perf_counter()
        out = diaporama(pack, "cambresis")
        times.append(time.perf_counter() - t0)
    return times[0], statistics.median(times[1:]), len(out.encode("utf-8"))


def bench_apptest() -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from carnet.ui.presentation.clavier import VIEWPORT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state[VIEWPORT] = (1920, 1080)  # as the keyboard bridge reports it: maps drawn
    at.query_params.update({"territoire": "cambresis", "diapo": "3"})
    t0 = time.perf_counter()
    at.switch_page("pages/presentation.py").run()
    out = {"premier affichage (diapositive 3, récit résolu)": time.perf_counter() - t0}
    assert not at.exception, [e.message for e in at.exception]
    t0 = time.perf_counter()
    at.button(key="diapo_suivante").click().run()
    out["« Suivante » vers une carte (diapositive 4, carte construite)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.button(key="diapo_precedente").click().run()
    out["« Précédente » vers une diapositive sans carte (3)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.button(key="diapo_suivante").click().run()
    out["« Suivante » vers la même carte, déjà construite (4)"] = time.perf_counter() - t0
    return out


def bench_browser(cache: Path, db: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.support import app_env, launch_chromium, start_streamlit, stop

    proc, url = start_streamlit(app_env(cache, db), ROOT)
    titles, maps = [], []
    try:
        with sync_playwright() as pw:
            b = launch_chromium(pw)
            page = b.new_page(viewport={"width": 1920, "height": 1080})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page.goto(f"{url}/presentation?territoire=cambresis&diapo=1")
            page.wait_for_selector(".carnet-diapo[data-numero='1'] h2", timeout=120_000)
            page.wait_for_timeout(3000)
            for k in range(2, 11):
                t0 = time.perf_counter()
                page.keyboard.press("ArrowRight")
                page.wait_for_selector(f".carnet-diapo[data-numero='{k}'] h2", timeout=60_000)
                titles.append(time.perf_counter() - t0)
                if k in (4, 5, 7, 8):
                    frame = page.locator("iframe[title='streamlit_folium.st_folium']").first
                    frame.wait_for(timeout=60_000)
                    frame.element_handle().content_frame().wait_for_selector(
                        "path.leaflet-interactive", timeout=60_000)
                    maps.append(time.perf_counter() - t0)
                page.wait_for_timeout(800)
            b.close()
    finally:
        stop(proc)
    return {"touche → titre de la diapositive suivante (médiane, 9 diapositives)": statistics.median(titles),
            "touche → titre (pire)": max(titles),
            "touche → polygones de la carte dessinés (médiane, 4 cartes)": statistics.median(maps)}


def main() -> None:
    from carnet import paths
    from carnet.pack import load_pack

    tmp = tempfile.mkdtemp()
    db = f"sqlite:///{tmp}/bench.sqlite"
    os.environ["CARNET_DATABASE_URL"] = db
    pack = load_pack("nord")
    before = load()
    first_s, deck_s, size = bench_deck(pack)
    page = bench_apptest()
    browser = bench_browser(paths.cache_dir(), db) if "--browser" in sys.argv else {}
    print(f"Charge (load average 1 min) avant : {before}, après : {load()} (2 cœurs)\n")
    print("| mesure | s |\n|---|---:|")
    print(f"| diaporama HTML du Cambrésis, 13 diapositives : première construction | {first_s:.2f} |")
    print(f"| diaporama HTML du Cambrésis : médiane des 3 suivantes | {deck_s:.2f} |")
    for k, v in {**page, **browser}.items():
        print(f"| {k} | {v:.2f} |")
    print(f"\nTaille du fichier : {size / 1024:.0f} Ko ({size} octets).")


if __name__ == "__main__":
    main()
