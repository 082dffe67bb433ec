"""Benchmark: the Plan d'actions map with 10,000 projects in a real browser.

Run: ``CARNET_SOURCES=… .venv/bin/python benchmarks/bench_projets_browser.py [--runs 10]``
(needs the built ``nord`` pack in ``data/cache``, the offline map assets and
``/usr/bin/chromium``). Results: the « Navigateur » section of ``bench_projets.md`` (the
other sections are kept); screenshots in ``benchmarks/out/``.

A throwaway SQLite registry receives 10,000 illustrative projects (``demo-projets``
generator, seed 1, as ``bench_projets.py``); ``streamlit run app.py`` serves it on a local
port and headless Debian Chromium (Playwright, 1920×1080) opens the Plan d'actions page.
Every request leaving 127.0.0.1 is refused (and counted).

Measured, on the browser's clock (``performance.timeOrigin + performance.now()``, one clock
for the page and its frames):

- **navigation → map painted**: from the navigation start of the page to the second
  animation frame after the first cluster icon or marker of the projects was inserted in
  the map's frame (markercluster inserts every icon of the view in one go, once all markers
  are clustered). Each run opens a new tab in the same browser (files cached, as for a
  returning user); the first, cold, run is reported apart.
- **filter change → map repainted**: from the click on the « Engagé » option of the
  « Statut » filter (the event's own timestamp) to the paint of the new selection; then
  from the click that removes it (back to 10,000 projects). With the fast frame
  (``carnet_projets``, default) the same frame stays: the paint is its
  ``carnet-projets-painted-N`` mark (two animation frames after the last chunk of
  markercluster's clustering) of another mask than before the click, split at its
  ``carnet-projets-render-N`` mark (the arguments reached the frame: server rerun +
  transfer) and the rest (browser). With ``CARNET_FAST_MAP=0`` (streamlit-folium, a new
  frame per change) the paint is the first marker in the new frame, split at its map
  script's start.
- **payload**: the websocket frames of the page's first run (fast frame: the registry's
  coded projects travel there) or the map script its frame received (folium), and all the
  websocket frames received between the click and the paint (the whole page's rerun).

Budgets (issue #12): payload ≤ 1 MB, map painted ≤ 2 s, filter change ≤ 500 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.mdsection import write_section  # noqa: E402
from tests.support import launch_chromium, start_streamlit, stop  # noqa: E402

N = 10_000
PORT = 8651
OUT = ROOT / "benchmarks" / "out"
HEADING = "Navigateur : carte du Plan d'actions à 10 000 projets (bench_projets_browser.py)"

# In the page (before its scripts): the time of the last click or key press (capture phase,
# the event's own timestamp), and a watch, at each animation frame, of the page's frames: the first time
# a cluster icon or project marker is in a frame's document, two of that frame's animation
# frames later is its « painted » time, written on the frame's window. (An init script cannot
# watch the map's frame itself: its window is the one of the frame's first about:blank
# document, reused by the component's page, and the observers of that first document die.)
INIT = """
(() => {
  if (window !== window.top) { return; }
  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, (e) => {
      window.__clickAt = performance.timeOrigin + e.timeStamp; }, true);
  }
  const sel = ".marker-cluster, .leaflet-carnet-projets-pane path";
  const tick = () => {
    for (const f of document.querySelectorAll("iframe")) {
      let w = null;
      try { w = f.contentWindow; if (!w || w.__seenAt || !w.document.querySelector(sel)) { continue; } }
      catch (e) { continue; }
      const now = () => w.performance.timeOrigin + w.performance.now();
      w.__seenAt = now();
      w.requestAnimationFrame(() => w.requestAnimationFrame(() => { w.__paintedAt = now(); }));
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""

# (painted, map script start, map script bytes, cluster icons) of a frame, on its own clock.
FRAME_STATE = """() => {
  const start = performance.getEntriesByName("carnet-map-start");
  let n = 0;
  for (const s of document.querySelectorAll("script:not([src])")) {
    if (s.textContent.includes("markerClusterGroup")) {
      n += new TextEncoder().encode(s.textContent).length;
    }
  }
  const fast = window.__carnetProjets;  // the fast frame (carnet/ui/frontend/projets)
  let fastState = null;
  if (fast) {
    const at = (name) => {
      const e = performance.getEntriesByName(name);
      return e.length ? performance.timeOrigin + e[e.length - 1].startTime : null;
    };
    fastState = {painted: at("carnet-projets-painted-" + fast.painted),
                 render: at("carnet-projets-render-" + fast.renders), mask: fast.mask || null,
                 geo: performance.getEntriesByType("resource")
                   .filter((e) => e.name.includes("/geo/") && e.name.endsWith(".json"))
                   .map((e) => [e.name.split("/").pop(), e.decodedBodySize, e.transferSize])};
  }
  return [window.__paintedAt || null,
          start.length ? performance.timeOrigin + start[start.length - 1].startTime : null,
          n, document.querySelectorAll(".marker-cluster").length, fastState];
}"""


def make_registry(folder: Path) -> str:
    """A SQLite registry of 10,000 illustrative projects in ``folder``; its URL."""
    from carnet.db import get_engine
    from carnet.projets.demo import generate_demo
    from carnet.projets.repository import ProjetRepository
    from carnet.projets.territory import TerritoryContext

    url = f"sqlite:///{folder / 'projets.sqlite'}"
    ctx = TerritoryContext.load("nord")
    repo = ProjetRepository(get_engine(url), ctx)
    repo.create_many(generate_demo(ctx, None, N, seed=1), user="bench", action="demo")
    return url


def fast_mask(page) -> str | None:
    """The mask last painted by the fast frame (None: the folium map, or nothing painted)."""
    state = fast_state(page)
    return state["mask"] if state else None


def fast_state(page) -> dict | None:
    """The fast frame's state (FRAME_STATE), None without it."""
    for frame in page.frames:
        if frame != page.main_frame:
            try:
                state = frame.evaluate(FRAME_STATE)
            except Exception:  # noqa: BLE001 - a frame detached while the page re-renders
                continue
            if state[4]:
                return state[4]
    return None


def painted_after(page, t0: float, timeout_s: float = 90, mask: str | None = None
                  ) -> tuple[float, float | None, int, int]:
    """(painted, map script start, map script bytes, clusters) of a map frame painted after t0.

    With ``mask`` (the fast frame's before a filter change): the first paint after t0 of
    another mask, and the time its arguments reached the frame instead of the script start.
    """
    end = time.time() + timeout_s
    while time.time() < end:
        for frame in page.frames:
            if frame == page.main_frame:
                continue
            try:
                state = frame.evaluate(FRAME_STATE)
            except Exception:  # noqa: BLE001 - a frame detached while the page re-renders
                continue
            fast = state[4]
            if mask is not None and fast:
                if fast["painted"] and fast["painted"] > t0 and fast["mask"] != mask:
                    return fast["painted"], fast["render"], 0, state[3]
            elif state[0] is not None and state[0] > t0:
                return state[0], state[1], state[2], state[3]
        page.wait_for_timeout(20)  # not time.sleep: Playwright serves the routed requests meanwhile
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "plan_actions_timeout.png"))
    raise TimeoutError("carte des projets non redessinée (copie d'écran : "
                       "benchmarks/out/plan_actions_timeout.png)")


def wait_idle(page) -> None:
    """Until Streamlit's « running » indicator is gone."""
    page.wait_for_function("!document.querySelector(\"[data-testid='stStatusWidget']\")",
                           timeout=60_000)


def _q(values: list[float]) -> str:
    v = sorted(values)
    return (f"médiane {statistics.median(v):.0f} ms (min {v[0]:.0f}, max {v[-1]:.0f}, "
            f"n = {len(v)})")


def run(runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    res: dict = {"nav": [], "nav_start": [], "narrow": [], "narrow_start": [], "widen": [],
                 "widen_start": [], "blocked": [], "script": {}, "ws": {"narrow": [], "widen": []}}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url = make_registry(Path(tmp))
        res["insert_s"] = time.perf_counter() - t0
        env = {**os.environ, "CARNET_DATABASE_URL": url}
        OUT.mkdir(exist_ok=True)
        log = (OUT / "bench_projets_browser.log").open("w")
        proc, base = start_streamlit(env, ROOT, port=PORT, log=log)
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                ctx = browser.new_context(viewport={"width": 1920, "height": 1080})

                def watch(request):  # listened to, not routed: a route handler would
                    # hold every request of the page for a round trip through this process
                    if not request.url.startswith(("http://127.0.0.1", "data:", "blob:",
                                                   "about:")):
                        res["blocked"].append(request.url)

                ctx.on("request", watch)
                ctx.add_init_script(INIT)
                frames: list[tuple[float, int]] = []

                def on_ws(ws):
                    ws.on("framereceived", lambda p: frames.append(
                        (0, len(p if isinstance(p, bytes) else p.encode()))))

                # Navigation: a new tab each run (the first one with an empty cache).
                for i in range(runs + 1):
                    page = ctx.new_page()
                    page.goto(f"{base}/plan_actions")
                    origin = page.evaluate("performance.timeOrigin")
                    painted, start, nbytes, clusters = painted_after(page, origin)
                    (res.setdefault("cold", []) if i == 0 else res["nav"]).append(painted - origin)
                    if i and start:
                        res["nav_start"].append(start - origin)
                    res["script"]["all"] = nbytes
                    res["clusters"] = clusters
                    if i == 0:  # the background files, fetched by the cold page
                        page.wait_for_timeout(500)
                        res["geo"] = (fast_state(page) or {}).get("geo", [])
                    print(f"  navigation {i}: {painted - origin:.0f} ms "
                          f"({clusters} groupes, script {nbytes / 1e6:.2f} Mo)", flush=True)
                    if i < runs:
                        wait_idle(page)  # its run ended: the next tab does not race it
                        page.close()
                wait_idle(page)
                page.wait_for_timeout(1000)
                res["fast"] = fast_mask(page) is not None  # the carnet_projets frame
                OUT.mkdir(exist_ok=True)
                page.screenshot(path=str(OUT / "plan_actions_10000_1920.png"))
                page.on("websocket", on_ws)
                page.reload()  # the websocket of this tab, now watched
                painted_after(page, page.evaluate("performance.timeOrigin"))
                wait_idle(page)
                page.wait_for_timeout(500)
                res["ws_load"] = sum(b for _, b in frames)  # the page's first run, map data too
                sidebar = page.get_by_test_id("stSidebar")
                statut = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Statut")
                for i in range(runs):
                    for kind in ("narrow", "widen"):
                        option = page.get_by_role("option", name="Engagé", exact=True)
                        for _ in range(5):  # focus (and open) the filter; a re-render may close it
                            statut.locator("input").click()
                            if kind == "widen":
                                break
                            try:
                                option.wait_for(timeout=5_000)
                                break
                            except Exception:  # noqa: BLE001 - closed again: retry
                                page.keyboard.press("Escape")
                        page.evaluate("window.__clickAt = null")
                        mask = fast_mask(page)
                        frames.clear()
                        if kind == "narrow":
                            option.click()
                        else:  # Backspace removes the last chosen option
                            page.keyboard.press("Backspace")
                        page.wait_for_function("window.__clickAt !== null", timeout=10_000)
                        t0 = page.evaluate("window.__clickAt")
                        painted, start, nbytes, clusters = painted_after(page, t0, mask=mask)
                        res[kind].append(painted - t0)
                        if start:
                            res[f"{kind}_start"].append(start - t0)
                        res["script"][kind] = nbytes
                        res["clusters_" + kind] = clusters
                        print(f"  {kind} {i}: {painted - t0:.0f} ms (script starts at "
                              f"{(start or painted) - t0:.0f} ms; {clusters} groupes, "
                              f"script {nbytes / 1e6:.2f} Mo)", flush=True)
                        page.keyboard.press("Escape")
                        wait_idle(page)
                        # every frame of the rerun (the handler runs late: no time filter)
                        res["ws"][kind].append(sum(b for _, b in frames))
                        page.wait_for_timeout(400)
                page.wait_for_timeout(1000)
                page.screenshot(path=str(OUT / "plan_actions_10000_1920_filtre.png"))
                page.set_viewport_size({"width": 1024, "height": 768})
                page.reload()
                painted_after(page, page.evaluate("performance.timeOrigin"))
                wait_idle(page)
                page.wait_for_timeout(1000)
                page.screenshot(path=str(OUT / "plan_actions_10000_1024.png"))
                browser.close()
        finally:
            stop(proc)
    return res


def report(res: dict, load_before: float, load_after: float) -> str:
    nav = statistics.median(res["nav"])
    narrow, widen = statistics.median(res["narrow"]), statistics.median(res["widen"])
    worst = max(narrow, widen)
    mb = res["script"]["all"] / 1e6
    fast = res["fast"]  # the fast frame: no map script, the data come over the websocket
    if fast:
        mb = res["ws_load"] / 1e6
        geo_kb = ", ".join(f"{name.split('-')[2]} {size / 1e3:.0f} Ko"
                           for name, size, _ in res.get("geo", [])) or "aucun reçu"
    ws_all = res["ws"]["narrow"] + res["ws"]["widen"]
    ws, ws_max = statistics.median(ws_all) / 1e6, max(ws_all) / 1e6

    def ok(cond: bool) -> str:
        return "atteint" if cond else "**NON atteint**"

    def split(kind: str) -> str:
        starts = res[f"{kind}_start"]
        if not starts:
            return ""
        s = statistics.median(starts)
        before = ("avant que le cadre reçoive ses arguments (rerun du serveur, transfert)"
                  if fast else "avant le début du script de la carte (rerun du serveur, "
                  "transfert, nouveau cadre)")
        return (f" ; dont {before} : médiane {s:.0f} ms, puis navigateur (marqueurs, "
                f"regroupement, dessin) : {statistics.median(res[kind]) - s:.0f} ms")

    nav_split = ""
    if res["nav_start"]:
        s = statistics.median(res["nav_start"])
        nav_split = (f" ; dont avant le début du script de la carte : médiane {s:.0f} ms, "
                     f"puis navigateur : {nav - s:.0f} ms")
    return "\n".join([
        f"Mesure du {dt.date.today():%d/%m/%Y} : {N} projets illustratifs (générateur "
        "`demo-projets`, graine 1) dans un registre SQLite jetable, `streamlit run app.py` en "
        "local, Chromium sans affichage (Playwright) en 1920 × 1080, page Plan d'actions sans "
        f"filtre ; {len(res['nav'])} mesures par cas. Charge de la machine (load average 1 min, "
        f"2 cœurs) : {load_before:.1f} avant, {load_after:.1f} après.",
        "",
        (f"- trames websocket de la première exécution de la page (page entière : les 10 000 "
         f"projets codés pour la carte, tableau, listes…) : {mb:.2f} Mo — objectif ≤ 1 Mo : "
         f"{ok(mb <= 1)} ; fond hors ligne en fichiers statiques au nom haché, gardés par le "
         f"navigateur : {geo_kb} ;" if fast else
         f"- script de la carte reçu par son cadre (10 000 projets, fond hors ligne compris) : "
         f"{mb:.2f} Mo — objectif ≤ 1 Mo : {ok(mb <= 1)} ;"),
        f"- ensemble des trames websocket reçues pendant le rerun d'un changement de filtre "
        f"(page entière : carte, tableau, listes…) : médiane {ws:.2f} Mo, maximum "
        f"{ws_max:.2f} Mo (Streamlit garde dans le navigateur les gros messages déjà reçus et "
        "n'en renvoie ensuite que la référence : seule la première apparition d'une carte "
        "passe en entier) ;",
        f"- navigation → carte dessinée : {_q(res['nav'])} — objectif ≤ 2 s : "
        f"{ok(nav <= 2000)}{nav_split} ; premier chargement, cache vide : "
        f"{res['cold'][0]:.0f} ms ;",
        ("- la carte est le composant `carnet_projets` (un seul cadre gardé : un changement "
         "de filtre lui envoie un masque des projets affichés)" if fast else
         "- la carte est streamlit-folium (un nouveau cadre à chaque changement)") + " ;",
        f"- clic « Statut : Engagé » → carte redessinée ({res['clusters_narrow']} groupes) : "
        f"{_q(res['narrow'])}{split('narrow')} ;",
        f"- clic qui retire ce filtre → carte des 10 000 redessinée : {_q(res['widen'])}"
        f"{split('widen')} ;",
        f"- changement de filtre, pire des deux médianes : {worst:.0f} ms — objectif ≤ 500 ms : "
        f"{ok(worst <= 500)} ;",
        f"- requêtes sortant de 127.0.0.1 : {len(res['blocked'])}.",
        "",
        "« Dessinée » : deux images d'animation après l'insertion de la première icône de "
        "groupe (markercluster les insère toutes d'un coup, une fois tous les projets "
        "regroupés). Insertion du registre : "
        f"{res['insert_s']:.1f} s. Copies d'écran : `benchmarks/out/plan_actions_10000_*.png`.",
    ])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="measures per case (≥ 10)")
    ap.add_argument("--no-write", action="store_true", help="print only, keep bench_projets.md")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    res = run(args.runs)
    text = report(res, load_before, os.getloadavg()[0])
    print(text)
    if not args.no_write:
        write_section(Path(__file__).with_name("bench_projets.md"), HEADING, text,
                      title="Benchmark du registre des projets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
