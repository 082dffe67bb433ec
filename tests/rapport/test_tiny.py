"""The tiny pack's carnet builds without sources; its key figures are the on-screen ones."""

import subprocess
from datetime import date

from carnet import fiches
from carnet.rapport.content import content
from carnet.rapport.typst_doc import compile_pdf


def test_tiny_pack_pdf(tiny, tmp_path):
    tid = next(iter(fiches.territory_options(tiny)))
    out = tmp_path / "t.pdf"
    compile_pdf(content(tiny, tid, today=date(2026, 12, 2)), out)
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for title in ("Sommaire", "Chiffres clés", "Sources et méthodes"):
        assert title in text
    assert "2 décembre 2026" in text and "Page 1 /" in text
    for k in fiches.key_figures(tiny, "territoire", tid):
        assert f"{k.label} : {' '.join(k.text.split())}" in text
