"""Data strings reach the PDF as literal text (no Typst markup, code or math evaluated)."""

import subprocess

from carnet.rapport.typst_doc import compile_pdf

HOSTILE = ['#eval("1+1")', "{{ 7*7 }}", "<img src=x onerror=alert(1)>", "$x^2$", "*gras*",
           "<label> @ref"]


def test_hostile_strings_are_literal(tmp_path):
    out = tmp_path / "c.pdf"
    compile_pdf({"titre": "Carnet #eval(\"2+2\")", "sous_titre": "$y$", "genere_le": "2 décembre 2026",
                 "sections": [{"titre": "Contrat *x*", "paragraphes": HOSTILE}]}, out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    for s in HOSTILE + ['Carnet #eval("2+2")', "Contrat *x*"]:
        assert s in text, s
    assert "Page 1 / " in text or "Page 2 / " in text
