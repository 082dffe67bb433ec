"""Load benchmark of issue #12 §4: many browser sessions on the Territoire page at once.

``--sessions`` (default 20) Playwright contexts in one headless Debian Chromium each open the
Territoire page of the Cambrésis and, for ``--duration`` seconds (default 120), pick the
indicators of :data:`bench_app.INDICATORS` in turn, waiting each time for the fast commune map to
repaint. Run against one ``streamlit run app.py`` process, then against two behind nginx with
``deploy/nginx-carnet.conf`` (as shipped, ports rewritten, as ``tests/deploy`` does).

Reported per setup: changes made, time from the click on the option to the repaint mark
(``carnet-fast-painted-N``, browser clock) p50 / p95, time to the first painted map of each
session, errors (page errors, timeouts, a Streamlit exception on the page: must be 0) and the
servers' resident memory (VmRSS) before the sessions, after them, and after a second wave (so a
growth beyond the caches shows). Results: ``benchmarks/bench_load.md``. Usage::

    CARNET_SOURCES=... .venv/bin/python benchmarks/bench_load.py [--sessions 20] [--duration 120]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench_app import INDICATORS, TERRITORY  # noqa: E402

from tests.support import CHROMIUM, CHROMIUM_ARGS, free_port, server_env, start_streamlit, stop  # noqa: E402

FRAME = "iframe[title*='carnet_fastmap']"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
#: The click's time on the browser clock, read back after the repaint.
_CLICK_CLOCK = ("document.addEventListener('click', e => "
                "{ window.__clickAt = performance.timeOrigin + e.timeStamp; }, true);")


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        pids += [int(x) for x in out.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


async def session(browser, base: str, n: int, duration: float, out: dict) -> None:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    await ctx.add_init_script(_CLICK_CLOCK)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: out["errors"].append(f"s{n} pageerror {e}"))
    shown = "taux_chomage_2022"  # the indicator of the URL below
    labels = [label for iid, label in INDICATORS.items() if iid != shown]
    try:
        t0 = time.time()
        await page.goto(f"{base}/territoire?territoire={TERRITORY}&indicateur={shown}",
                        timeout=180_000)
        frame_el = page.locator(FRAME).first
        await frame_el.wait_for(timeout=180_000)
        frame = await (await frame_el.element_handle()).content_frame()
        await frame.wait_for_function("() => window.__carnetFast && window.__carnetFast.painted >= 1",
                                      timeout=180_000)
        out["first_s"].append(time.time() - t0)
        combo = page.locator("input[role='combobox'][aria-label='Indicateur']")
        end = time.time() + duration
        i = n  # sessions start on different indicators, never on the one shown
        while time.time() < end:  # (choosing it again reruns nothing: no repaint to wait for)
            label = labels[i % len(labels)]
            i += 1
            await combo.click()
            await combo.fill(label.split(" — ")[1][:12])
            option = page.locator("[role='option']", has_text=label).first
            await option.wait_for(timeout=60_000)
            frame = await (await page.locator(FRAME).first.element_handle()).content_frame()
            before = await frame.evaluate("() => window.__carnetFast.painted")
            await page.evaluate("window.__clickAt = null")
            await option.click()
            await frame.wait_for_function(f"() => window.__carnetFast.painted > {before}", timeout=120_000)
            painted = await frame.evaluate(
                "() => { const m = performance.getEntriesByName('carnet-fast-painted-' + "
                "window.__carnetFast.painted); return performance.timeOrigin + m[0].startTime; }")
            clicked = await page.evaluate("window.__clickAt")
            if clicked:
                out["ms"].append(painted - clicked)
            if await page.locator("[data-testid='stException']").count():
                out["errors"].append(f"s{n} exception on the page")
                break
    except Exception as e:  # noqa: BLE001 - a benchmark counts failures, it does not stop on one
        out["errors"].append(f"s{n} {type(e).__name__}: {str(e).splitlines()[0][:160]}")
    finally:
        await ctx.close()


async def wave(base: str, sessions: int, duration: float) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {"ms": [], "first_s": [], "errors": []}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        await asyncio.gather(*(session(browser, base, n, duration, out) for n in range(sessions)))
        await browser.close()
    return out


def _proxy(ports: tuple[int, int], tmp: Path) -> tuple[subprocess.Popen, str]:
    from tests.deploy.test_reverse_proxy import _site, main_conf

    prefix = tmp / "nginx"
    prefix.mkdir()
    listen = free_port()
    (prefix / "carnet.conf").write_text(_site(ports, listen, prefix / "cache"), encoding="utf-8")
    (prefix / "nginx.conf").write_text(main_conf(prefix), encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                             "-g", "daemon off;"])
    time.sleep(1)
    return proc, f"http://127.0.0.1:{listen}"


def run(setup: str, sessions: int, duration: float) -> dict:
    from carnet import paths

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = server_env(paths.cache_dir(), tmp)
        n = 1 if setup == "1 processus" else 2
        ports = tuple(free_port() for _ in range(n))
        servers = [start_streamlit(env, ROOT, port=port)[0] for port in ports]
        nginx = None
        try:
            if n == 1:
                base = f"http://127.0.0.1:{ports[0]}"
            else:
                nginx, base = _proxy(ports, tmp)
            warm = asyncio.run(wave(base, 1, 5))  # one session warms the caches
            before = sum(rss_mb(s.pid) for s in servers)
            first = asyncio.run(wave(base, sessions, duration))
            after = sum(rss_mb(s.pid) for s in servers)
            second = asyncio.run(wave(base, sessions, duration / 2))
            after2 = sum(rss_mb(s.pid) for s in servers)
        finally:
            if nginx is not None:
                stop(nginx)
            for s in servers:
                stop(s)
    res = {"setup": setup, "warm_errors": warm["errors"], "before": before, "after": after,
           "after2": after2, "first": first, "second": second}
    return res


def report(r: dict) -> str:
    ms = r["first"]["ms"] + r["second"]["ms"]
    first = r["first"]["first_s"]
    errors = r["warm_errors"] + r["first"]["errors"] + r["second"]["errors"]
    lines = [f"### {r['setup']}",
             f"- changements d'indicateur : {len(ms)} (vague 1 : {len(r['first']['ms'])}, "
             f"vague 2 : {len(r['second']['ms'])})"]
    if ms:
        lines.append(f"- clic → carte repeinte : p50 {statistics.median(ms):.0f} ms, "
                     f"p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms")
    if first:
        lines.append(f"- première carte peinte par session (vague 1) : p50 {statistics.median(first):.1f} s, "
                     f"p95 {percentile(first, 0.95):.1f} s")
    lines.append(f"- erreurs : {len(errors)}" + (" — " + " ; ".join(errors[:8]) if errors else ""))
    lines.append(f"- mémoire des serveurs (VmRSS) : {r['before']:.0f} Mo avant, {r['after']:.0f} Mo "
                 f"après la vague 1, {r['after2']:.0f} Mo après la vague 2")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--duration", type=float, default=120)
    ap.add_argument("--setup", choices=("1", "2", "both"), default="both")
    args = ap.parse_args()
    setups = {"1": ["1 processus"], "2": ["2 processus + nginx"],
              "both": ["1 processus", "2 processus + nginx"]}[args.setup]
    load = os.getloadavg()[0]
    for setup in setups:
        r = run(setup, args.sessions, args.duration)
        print(report(r), flush=True)
    print(f"(load average 1 min au départ : {load:.1f} sur {os.cpu_count()} cœurs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
