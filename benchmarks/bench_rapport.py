"""Benchmark of issue #11 §4: the Cambrésis PDF carnet, generation time (budget 15 s, 2 cores).

One process, the Nord pack loaded once (as the app has it), the projects of the seed file in
a temporary SQLite registry; then ``--runs`` generations of
:func:`carnet.rapport.document.carnet_pdf` (content, two static maps, the population chart
through vl-convert, Typst), each timed (wall clock and process CPU), plus one run split into
its stages; then ``--runs`` times the command itself, each in a fresh process (imports, pack
load, store, PDF: what a user waits for). The machine's load average is recorded beside the
numbers (the machine is shared).

Results: ``benchmarks/bench_rapport.md``. Usage::

    CARNET_SOURCES=/path/to/sources python benchmarks/bench_rapport.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _timed(f, *a, **k):
    t, c = time.perf_counter(), time.process_time()
    out = f(*a, **k)
    return out, time.perf_counter() - t, time.process_time() - c


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--territoire", default="cambresis")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-rapport-"))
    os.environ["CARNET_DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite'}"

    from carnet.db import get_engine
    from carnet.pack import load_pack
    from carnet.projets.repository import ProjetRepository
    from carnet.projets.seed import ensure_seed
    from carnet.rapport import content as c
    from carnet.rapport.document import carnet_pdf, inputs
    from carnet.rapport.typst_doc import compile_pdf

    load_before = os.getloadavg()
    pack, t_load, _ = _timed(load_pack, "nord")
    ensure_seed(ProjetRepository(get_engine()), "nord")
    (contrat, projets, t0), t_inputs, _ = _timed(inputs, pack, args.territoire)
    tid = args.territoire

    walls, cpus, size = [], [], 0
    for _ in range(args.runs):
        pdf, w, cpu = _timed(carnet_pdf, pack, tid, contrat=contrat, projets=projets, t0=t0)
        walls.append(w)
        cpus.append(cpu)
        size = len(pdf)
    # one run split into stages
    files: dict[str, bytes] = {}
    _, t_text, _ = _timed(c.content, pack, tid, contrat=contrat, projets=projets, t0=t0)
    doc, t_all, _ = _timed(c.content, pack, tid, contrat=contrat, projets=projets, t0=t0, files=files)
    _, t_typst, _ = _timed(compile_pdf, doc, files=files)
    # the command as a user runs it: a fresh process each time (imports, pack, store, PDF)
    import resource

    cli, cli_cpu = [], []
    for i in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "carnet", "rapport", "--pack", "nord", "--territoire",
                        tid, "--output", str(tmp / f"{i}.pdf")], cwd=ROOT, check=True,
                       capture_output=True)
        cli.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    load_after = os.getloadavg()

    print(f"# PDF carnet — {tid}")
    print(f"load average before {load_before[0]:.2f} / after {load_after[0]:.2f} "
          f"(1 min), cores {os.cpu_count()}")
    print(f"pack load {t_load:.2f} s, inputs (store, registry) {t_inputs:.2f} s (not in the runs)")
    print(f"runs ({args.runs}): wall {', '.join(f'{w:.2f}' for w in walls)} s")
    print(f"median wall {statistics.median(walls):.2f} s, median CPU {statistics.median(cpus):.2f} s, "
          f"PDF {size / 1024:.0f} KiB")
    print(f"python -m carnet rapport ({args.runs} fresh processes): wall "
          f"{', '.join(f'{w:.2f}' for w in cli)} s, median {statistics.median(cli):.2f} s; "
          f"CPU (user + sys) median {statistics.median(cli_cpu):.2f} s")
    print(f"stages: content text only {t_text:.2f} s, + images (maps, chart) {t_all:.2f} s, "
          f"typst {t_typst:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
