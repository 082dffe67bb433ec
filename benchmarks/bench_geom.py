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


#: Stage marks for the breakdown of a change (browser clock, every frame of the page): the
#: websocket messages the page receives (``__wsAt``) and the component's render messages
#: (``__renderAt``, in the map's iframe).
_STAGE_PROBES = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__wsAt = []; window.__renderAt = []; window.__long = [];
  try {
    new PerformanceObserver(l => l.getEntries().forEach(e => window.__long.push(
      [performance.timeOrigin + e.startTime, e.duration]))).observe({type: 'longtask', buffered: false});
  } catch (e) {}
  window.addEventListener('message', e => {
    if (e.data && e.data.type === 'streamlit:render') window.__renderAt.push(now());
  }, true);
  const WS = window.WebSocket;
  if (!WS) return;
  window.WebSocket = function (...a) {
    const ws = new WS(...a);
    ws.addEventListener('message',
                        ev => window.__wsAt.push([now(), ev.data.byteLength || ev.data.length || 0]));
    return ws;
  };
  window.WebSocket.prototype = WS.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""


#: The stages of one change on the fast path, in order (ms after the click event).
STAGES = ("first_ws", "render", "restyled", "frame", "painted")


def _stages(page, t0: float, n: int) -> dict[str, float]:
    """Where the time of change ``n`` went: first websocket message after the click (the rerun
    started), last render message the map received, restyle done, first animation frame after
    it (the frame that shows the new colours), paint mark (second frame)."""
    ws = page.evaluate("window.__wsAt")
    frame = _fast_frame(page)
    marks = frame.evaluate(
        "(n) => ['restyled', 'frame', 'painted'].map(k => performance.getEntriesByName("
        "'carnet-fast-' + k + '-' + n)[0]).map(e => performance.timeOrigin + e.startTime)", n)
    renders = [r for r in frame.evaluate("window.__renderAt") if r <= marks[0]]
    vals = [ws[0][0] if ws else float("nan"), renders[-1] if renders else float("nan"), *marks]
    return {k: v - t0 for k, v in zip(STAGES, vals, strict=True)}


def _fast_frame(page):
    return page.locator("iframe[title*='carnet_fastmap']").first.element_handle().content_frame()


def bench(fast: bool, rounds: int, trace: bool = False) -> dict:
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
            page.add_init_script(_STAGE_PROBES)
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
                    page.evaluate("window.__clickAt = null; window.__wsAt = []; window.__long = []")
                    if fast:
                        _fast_frame(page).evaluate("window.__renderAt = []")
                    received.clear()
                    option.click()
                    page.wait_for_function("window.__clickAt !== null", timeout=10_000)
                    t0 = page.evaluate("window.__clickAt")
                    if fast:
                        frame = _fast_frame(page)
                        frame.wait_for_function(f"() => ({_FAST_PAINTED})({n}) !== null", timeout=30_000)
                        painted, n_painted = frame.evaluate(_FAST_PAINTED, n)
                    else:
                        painted = _painted_after(page, label.split(" — ")[1], t0)[0]
                    page.wait_for_function("!document.querySelector(\"[data-testid='stStatusWidget']\")",
                                           timeout=30_000)
                    time.sleep(0.5)
                    out["ms"].append(painted - t0)
                    if fast:
                        stages = _stages(page, t0, n_painted)
                        out.setdefault("stages", []).append(stages)
                        print("    " + ", ".join(f"{k} +{v:.0f}" for k, v in stages.items()), flush=True)
                        if trace:
                            ws = page.evaluate("window.__wsAt")
                            print("      ws (ms, bytes)", [(round(a - t0), b) for a, b in ws],
                                  "click at (epoch ms)", round(t0))
                            print("      long tasks (start, ms)",
                                  [(round(a - t0), round(d)) for a, d in page.evaluate("window.__long")])
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
            f"n={len(ms)}; first paint {r['first_paint_s']:.1f} s wall"
            + ("; stages, median ms after the click: " + ", ".join(
                f"{k} {statistics.median(s[k] for s in r['stages']):.0f}" for k in STAGES)
               if r.get("stages") else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", choices=("fast", "folium"), help="measure one path only")
    ap.add_argument("--trace", action="store_true",
                    help="print each change's websocket messages and long tasks")
    args = ap.parse_args()
    res = {name: bench(fast, args.rounds, args.trace) for name, fast in (("fast", True), ("folium", False))
           if args.only in (None, name)}
    for name, r in res.items():
        print(_summary(name, r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
