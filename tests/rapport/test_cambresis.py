"""The Cambrésis carnet on real sources: every section; its numbers are the Territoire page's,
the export's and, for the population, the raw file's."""

from __future__ import annotations

import csv
import re
import subprocess

import pytest

from carnet import fiches, summary
from carnet.rapport.content import SECTIONS
from tests.rapport.test_tiny import flat, pdf_text

pytestmark = pytest.mark.integration

NUMBER = re.compile(r"^([−-]?\d{1,3}(?: \d{3})*(?:,\d+)?)")


def french_number(text: str) -> float:
    m = NUMBER.match(flat(text))
    assert m, text
    return float(m[1].replace(" ", "").replace(",", ".").replace("−", "-"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, built_cache):
    """The Cambrésis PDF and the territoire export, both through the CLI (projects seeded)."""
    import os

    tmp = tmp_path_factory.mktemp("rapport")
    old = {k: os.environ.get(k) for k in ("CARNET_DATABASE_URL", "CARNET_CACHE")}
    os.environ["CARNET_DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite'}"
    os.environ["CARNET_CACHE"] = str(built_cache)
    try:
        from carnet.cli import main
        from carnet.db import get_engine
        from carnet.projets.repository import ProjetRepository
        from carnet.projets.seed import ensure_seed

        ensure_seed(ProjetRepository(get_engine()), "nord")
        pdf, export = tmp / "cambresis.pdf", tmp / "territoires.csv"
        assert main(["rapport", "--pack", "nord", "--territoire", "cambresis", "--output", str(pdf)]) == 0
        assert main(["export", "--pack", "nord", "--maille", "territoire", "--format", "csv",
                     "--output", str(export)]) == 0
        with export.open(encoding="utf-8") as f:
            rows = {r["code"]: r for r in csv.DictReader(f)}
        leftovers = [p.name for p in tmp.iterdir() if p.name.startswith(".tmp-")]
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return pdf.read_bytes(), rows["cambresis"], leftovers, tmp


def test_every_section_page_numbers_and_images(built):
    pdf, _, leftovers, tmp = built
    text = pdf_text(pdf, tmp)
    assert leftovers == []
    for title in SECTIONS:
        assert text.count(title) >= 2, title
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode())[1])
    assert 8 <= pages <= 40 and f"Page {pages} / {pages}" in text and "généré le" in text
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    assert len(images) >= 3  # the chômage and revenus maps, the population chart


def table_row(lines: list[str], label: str, rest: str) -> str | None:
    """The cells after ``label`` on its table row (the label may wrap onto the next line)."""
    for i, line in enumerate(lines):
        head, sep, tail = line.partition(" " + rest)
        if sep and not tail and (head == label or (label.startswith(head + " ") and i + 1 < len(lines)
                                                  and f"{head} {lines[i + 1]}" == label)):
            return rest
    return None


def test_key_figures_are_the_territoire_page_and_the_export(nord, built):
    pdf, exported, _, tmp = built
    rows = pdf_text(pdf, tmp, lines=True)
    for k in fiches.key_figures(nord, "territoire", "cambresis"):
        cells = table_row(rows, k.label, f"{flat(k.text)} {flat(k.reference)} {k.source_short}")
        assert cells is not None, k.label  # as on the Territoire page
        shown = french_number(cells)
        decimals = nord.indicator(k.id).decimals
        assert abs(shown - float(exported[k.id])) <= 0.5 * 10 ** -decimals + 1e-9, (k.id, shown)


def test_summary_and_review_numbers_are_the_export(nord, built):
    pdf, exported, _, tmp = built
    text = pdf_text(pdf, tmp)
    for p in summary.territory_summary(nord, "cambresis"):
        assert flat(p.text) in text
    pop = int(exported["pop_2022"])
    chom = float(exported["taux_chomage_2022"])
    assert f"compte {pop // 1000} {pop % 1000:03d} habitants en 2022" in text
    assert f"{str(chom).replace('.', ',')} %" in text.split("En bref")[2]
    # the mid-term review: T0 (RP 2018) → latest (RP 2022) unemployment, as exported
    t0 = str(float(exported["taux_chomage_2018"])).replace(".", ",")
    assert f"{t0} % → {str(chom).replace('.', ',')} %" in text
    assert "Projets engagés selon le document publié : 91 sur 280" in text


def test_population_against_the_raw_file(nord, built):
    from tests.test_figures import C25, raw_rows, territory_codes

    pdf, _, _, tmp = built
    codes = territory_codes("cambresis")
    pop = sum(float(row["P22_POP"]) for row in raw_rows(C25) if row["CODGEO"] in codes)
    assert pop == 158_302
    assert "Population 2022 158 302 hab." in " ".join(pdf_text(pdf, tmp, lines=True))


def test_unknown_territoire_is_refused_and_nothing_written(nord, tmp_path, capsys, monkeypatch):
    from carnet.cli import main

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert main(["rapport", "--pack", "nord", "--territoire", "nulle-part", "--output",
                 str(tmp_path / "x.pdf")]) != 0
    assert "Valeurs possibles : cambresis" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
