"""Benchmark of issue #12 §1: the Territoire commune map first painted, cold and on a second page.

One ``streamlit run app.py`` on a free local port (fast map on), warmed by one page load;
then ``--runs`` times, in a new headless Chromium context (empty cache, a new session):

* **cold**: ``page.goto(/territoire?territoire=cambresis)``, from the navigation start
  (``performance.timeOrigin``) to the map's first paint mark (``carnet-fast-painted-1``,
  second animation frame after the polygons were added);
* **second page**: in the same session, the sidebar's « Commune », then « Territoire »: from the
  click on « Territoire » to the paint mark of the new map frame (the geometry file and Leaflet
  are now in the browser's cache).

With ``--proxy``, the browser goes through nginx with ``deploy/nginx-carnet.conf`` (as
``bench_load.py`` runs it, both upstreams on the one process): the deployment of
docs/DEPLOIEMENT.md, where nginx keeps the content-hashed files after the warm-up load.

Budgets: cold ≤ 1.5 s, second page ≤ 0.8 s (median). Results: ``benchmarks/bench_geom.md``.
Usage::

    CARNET_SOURCES=/path/to/sources python benchmarks/bench_paint.py [--runs 10] [--proxy]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from tests.support import launch_chromium, start_streamlit, stop  # noqa: E402

URL = "/territoire?territoire=cambresis&indicateur=taux_chomage_2022"
FRAME = "iframe[title*='carnet_fastmap']"

#: Epoch ms of the first paint mark of the map frame, or null before it.
_FIRST_PAINT = """() => {
  const m = performance.getEntriesByName('carnet-fast-painted-1');
  return m.length ? performance.timeOrigin + m[0].startTime : null;
}"""


def _painted(page, timeout_s: float = 90) -> float:
    """Epoch ms of the first paint of the (current) map frame of ``page``."""
    end = time.time() + timeout_s
    while time.time() < end:
        try:
            frame = page.locator(FRAME).first.element_handle(timeout=2_000).content_frame()
            t = frame.evaluate(_FIRST_PAINT) if frame else None
        except Exception:  # noqa: BLE001 - the frame is being replaced: look again
            t = None
        if t:
            return t
        time.sleep(0.02)
    raise TimeoutError("la carte n'a pas été peinte")


def run(base: str, browser) -> tuple[float, float]:
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = ctx.new_page()
    page.add_init_script("document.addEventListener('click', e => "
                         "{ window.__clickAt = performance.timeOrigin + e.timeStamp; }, true);")
    page.goto(f"{base}{URL}")
    cold = _painted(page) - page.evaluate("performance.timeOrigin")
    time.sleep(1.0)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Commune").click()
    page.get_by_role("heading", name="Fiche commune").first.wait_for(timeout=60_000)
    page.locator(FRAME).first.wait_for(state="detached", timeout=30_000)
    time.sleep(1.5)
    page.evaluate("window.__clickAt = null")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Territoire").click()
    page.wait_for_function("window.__clickAt !== null", timeout=10_000)
    clicked = page.evaluate("window.__clickAt")
    second = _painted(page) - clicked
    ctx.close()
    return cold, second


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--proxy", action="store_true", help="through nginx (deploy/nginx-carnet.conf)")
    args = ap.parse_args()
    import tempfile

    from bench_load import _proxy
    from playwright.sync_api import sync_playwright

    proc, base = start_streamlit({**os.environ, "CARNET_FAST_MAP": "1"}, ROOT)
    nginx, tmp = None, tempfile.TemporaryDirectory()
    if args.proxy:
        port = int(base.rsplit(":", 1)[1])
        nginx, base = _proxy((port, port), Path(tmp.name))
    cold, second = [], []
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            run(base, browser)  # warms the server (pack, caches, static files), not counted
            for i in range(args.runs):
                c, s = run(base, browser)
                cold.append(c)
                second.append(s)
                print(f"  run {i + 1}: cold {c:.0f} ms, second page {s:.0f} ms", flush=True)
            browser.close()
    finally:
        if nginx is not None:
            stop(nginx)
        stop(proc)
        tmp.cleanup()
    load = os.getloadavg()
    for name, ms, budget in (("cold", cold, 1500), ("second page", second, 800)):
        print(f"{name}: median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f}, "
              f"n={len(ms)}) budget ≤ {budget} ms")
    print(f"load average {load[0]:.1f} {load[1]:.1f}" + (" (through nginx)" if args.proxy else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
