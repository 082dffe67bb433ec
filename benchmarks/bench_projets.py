"""Benchmark: 10,000 illustrative projects, filter + map redraw (server side).

Run: ``.venv/bin/python benchmarks/bench_projets.py`` (needs the built ``nord`` pack).
Measures, on a temporary SQLite database: loading the projects, enriching, filtering and
building + rendering the folium map HTML (what the server does on each filter change).
Budget: filter + map redraw ≤ 500 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from carnet.projets.db import get_engine  # noqa: E402
from carnet.projets.demo import generate_demo  # noqa: E402
from carnet.projets.repository import ProjetRepository  # noqa: E402
from carnet.projets.territory import TerritoryContext  # noqa: E402
from carnet.projets.views import Filters, apply_filters, enrich, projects_map  # noqa: E402

N = 10_000
RUNS = 7


def timed(fn, runs=RUNS):
    out, times = None, []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return out, statistics.median(times), max(times)


def main() -> None:
    ctx = TerritoryContext.load("nord")
    with tempfile.TemporaryDirectory() as tmp:
        repo = ProjetRepository(get_engine(f"sqlite:///{tmp}/bench.sqlite"), ctx)
        t0 = time.perf_counter()
        repo.create_many(generate_demo(ctx, None, N, seed=1), user="bench", action="demo")
        insert_s = time.perf_counter() - t0
        df, load_ms, _ = timed(lambda: repo.dataframe("nord"))
        edf, enrich_ms, _ = timed(lambda: enrich(df, ctx))
        cases = {
            "aucun filtre (10 000)": Filters(),
            "statut engagé/en cours": Filters(statuts=["engage", "en_cours"]),
            "Cambrésis + recherche « maison »": Filters(contrats=["cambresis"], texte="maison"),
        }
        rows = []
        for label, f in cases.items():
            sub, filt_ms, _ = timed(lambda f=f: apply_filters(edf, f))
            _, map_ms, map_max = timed(lambda s=sub: projects_map(s).get_root().render())
            rows.append((label, len(sub), filt_ms, map_ms, filt_ms + map_ms, map_max))
    lines = [
        "# Benchmark du registre des projets", "",
        f"{N} projets illustratifs (générateur `demo-projets`, graine 1) sur SQLite ; "
        f"médiane de {RUNS} mesures, machine de 2 cœurs.", "",
        f"- insertion (validation + audit, une transaction) : {insert_s:.1f} s",
        f"- lecture de la base en DataFrame : {load_ms:.0f} ms",
        f"- enrichissement (commune, EPCI, contrat) : {enrich_ms:.0f} ms", "",
        "| filtre | projets | filtre (ms) | carte : construction + rendu HTML (ms) | "
        "total (ms) | carte max (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, n, f_ms, m_ms, tot, mx in rows:
        lines.append(f"| {label} | {n} | {f_ms:.0f} | {m_ms:.0f} | {tot:.0f} | {mx:.0f} |")
    worst = max(r[4] for r in rows)
    full = load_ms + enrich_ms + worst
    lines += ["", f"Pire total filtre + carte : {worst:.0f} ms — objectif ≤ 500 ms : "
              f"{'atteint' if worst <= 500 else 'NON atteint'}.",
              f"Avec la relecture de la base et l'enrichissement à chaque rerun de la page : "
              f"{full:.0f} ms ({'≤' if full <= 500 else '>'} 500 ms).", "",
              "Le temps de dessin dans le navigateur (regroupement Leaflet.markercluster) "
              "n'est pas compté ici.", ""]
    text = "\n".join(lines)
    print(text)
    (Path(__file__).with_suffix(".md")).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
