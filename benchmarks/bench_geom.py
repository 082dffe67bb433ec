"""Benchmark of issue #12 §1: an indicator change on Territoire, fast map vs folium map.

For each path (``CARNET_FAST_MAP=1`` then ``=0``) one ``streamlit run app.py`` on a free
local port, headless Debian Chromium (Playwright), the Cambrésis carnet open; the user picks
each indicator of :data:`bench_app.INDICATORS` in turn (``--rounds`` times). Measured per
change:

* **bytes over the websocket**: sum of the sizes of the frames the browser receives
  (``page.on("websocket")`` → ``framereceived``) from the click to the end of the rerun;
* **time to repainted**, browser clock, from the click event to the paint mark of the new
  colours: ``carnet-fast-painted-N`` (second animation frame after the restyle) in the fast
  component, ``carnet-layer-painted`` in the folium map (as ``bench_app.py``).

Results: ``benchmarks/bench_geom.md``. Usage::

    CARNET_SOURCES=/path/to/sources python benchmarks/bench_geom.py [--rounds 2]
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

from bench_app import INDICATORS, TERRITORY, _painted_after  # noqa: E402

from tests.support import launch_chromium, start_streamlit, stop  # noqa: E402

_FAST_PAINTED = """(n) => {
  const f = window.__carnetFast;
  if (!f || !f.painted || f.painted <= n) return null;
  const m = performance.getEntriesByName('carnet-fast-painted-' + f.painted);
  return m.length ? [performance.timeOrigin + m[0].startTime, f.painted] : null;
}"""


def _fast_frame(page):
    return page.locator("iframe[title*='carnet_fastmap']").first.element_handle().content_frame()


def bench(fast: bool, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "CARNET_FAST_MAP": "1" if fast else "0"}
    proc, base = start_streamlit(env, ROOT)
    out: dict = {"ms": [], "bytes": [], "first_paint_s": None}
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            received: list[int] = []

            def on_ws(ws):
                ws.on("framereceived", lambda payload: received.append(len(payload)))

            page.on("websocket", on_ws)
            page.add_init_script("document.addEventListener('click', e => "
                                 "{ window.__clickAt = performance.timeOrigin + e.timeStamp; }, true);")
            t_nav = time.time()
            page.goto(f"{base}/territoire?territoire={TERRITORY}&indicateur=taux_chomage_2022")
            if fast:
                page.locator("iframe[title*='carnet_fastmap']").first.wait_for(timeout=90_000)
                frame = _fast_frame(page)
                frame.wait_for_function("() => window.__carnetFast && window.__carnetFast.painted >= 1",
                                        timeout=90_000)
                page.locator("iframe[title*='carnet_fastmap']").first.scroll_into_view_if_needed()
            else:
                _painted_after(page, "Taux de chômage", 0, timeout_s=90)
                page.locator("iframe[title*='streamlit_folium']").first.scroll_into_view_if_needed()
            out["first_paint_s"] = time.time() - t_nav  # wall clock, includes the server's cold start
            time.sleep(2)
            combo = page.locator("input[role='combobox'][aria-label='Indicateur']")
            for _ in range(rounds):
                for _iid, label in INDICATORS.items():
                    combo.click()
                    combo.fill(label.split(" — ")[1][:12])
                    option = page.locator("[role='option']", has_text=label).first
                    option.wait_for()
                    n = _fast_frame(page).evaluate("() => window.__carnetFast.painted") if fast else 0
                    page.evaluate("window.__clickAt = null")
                    received.clear()
                    option.click()
                    page.wait_for_function("window.__clickAt !== null", timeout=10_000)
                    t0 = page.evaluate("window.__clickAt")
                    if fast:
                        frame = _fast_frame(page)
                        frame.wait_for_function(f"() => ({_FAST_PAINTED})({n}) !== null", timeout=30_000)
                        painted = frame.evaluate(_FAST_PAINTED, n)[0]
                    else:
                        painted = _painted_after(page, label.split(" — ")[1], t0)[0]
                    page.wait_for_function("!document.querySelector(\"[data-testid='stStatusWidget']\")",
                                           timeout=30_000)
                    time.sleep(0.5)
                    out["ms"].append(painted - t0)
                    out["bytes"].append(sum(received))
                    print(f"  {'fast' if fast else 'folium'} {_iid:<22} {painted - t0:6.0f} ms "
                          f"{sum(received) / 1024:7.1f} KiB", flush=True)
            browser.close()
    finally:
        stop(proc)
    return out


def _summary(name: str, r: dict) -> str:
    ms, kb = sorted(r["ms"]), sorted(b / 1024 for b in r["bytes"])
    return (f"{name}: repainted median {statistics.median(ms):.0f} ms (min {ms[0]:.0f}, max {ms[-1]:.0f}), "
            f"websocket median {statistics.median(kb):.1f} KiB (min {kb[0]:.1f}, max {kb[-1]:.1f}), "
            f"n={len(ms)}; first paint {r['first_paint_s']:.1f} s wall")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", choices=("fast", "folium"), help="measure one path only")
    args = ap.parse_args()
    res = {name: bench(fast, args.rounds) for name, fast in (("fast", True), ("folium", False))
           if args.only in (None, name)}
    for name, r in res.items():
        print(_summary(name, r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
