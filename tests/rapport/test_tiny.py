"""The tiny pack's carnet (no sources): every section, the on-screen figures, images, inert strings."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from carnet import fiches, summary
from carnet.contrat.model import (
    Citation,
    Contrat,
    DateConnue,
    Enjeu,
    Orientation,
    Phase,
    Provenance,
)
from carnet.rapport.content import SECTIONS
from carnet.rapport.document import carnet_pdf

XSS = "<img src=x onerror=alert(1)>"
JINJA = "{{ 7*7 }}"
TODAY = date(2026, 12, 2)


def pdf_text(pdf: bytes, tmp_path, *, lines: bool = False):
    """The PDF's text (pdftotext), whitespace collapsed; ``lines``: the layout's lines, each
    collapsed (a table row is one line)."""
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", *(["-layout"] if lines else []), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [flat(x) for x in out.splitlines()] if lines else flat(out)


def flat(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture
def tid(tiny):
    return next(iter(fiches.territory_options(tiny)))


def test_tiny_pack_pdf_has_every_section_and_the_page_figures(tiny, tid, tmp_path):
    pdf = carnet_pdf(tiny, tid, today=TODAY)
    text = pdf_text(pdf, tmp_path)
    assert text.count("Sommaire") == 1
    for title in SECTIONS:
        assert text.count(title) >= 2, title  # in the contents and as a heading
    assert "2 décembre 2026" in text and "Page 1 /" in text and "Page 3 /" in text
    rows = pdf_text(pdf, tmp_path, lines=True)
    for k in fiches.key_figures(tiny, "territoire", tid):  # one table row each, as on the page
        assert f"{k.label} {flat(k.text)} {flat(k.reference)} {k.source_short}" in rows, k.label
    for p in summary.territory_summary(tiny, tid):
        assert flat(p.text) in text
    assert "Le Carnet n'a pas de contrat de territoire" in text  # no contract given: said so
    assert "Aucune contribution publiée" in text
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    assert len(images) >= 2  # at least one map and the population chart


def test_contract_and_contributions_stay_plain_text(tiny, tid, tmp_path):
    cite = Provenance(citation=Citation(f"Document {XSS}", f"« {JINJA} »"))
    contrat = Contrat(
        pack=tiny.id, territoire=tid, titre=f"Contrat {XSS}", statut="signe", notes=f"**gras** {JINJA}",
        phases=(Phase("signature", debut=DateConnue(date(2021, 7, 7), cite)),),
        orientations=(Orientation("o1", libelle=f"Orientation {JINJA}", texte="=HYPERLINK(\"x\")"),),
        enjeux=(Enjeu("e1", titre=f"Enjeu {XSS}", orientations=("o1",), provenance=cite),))
    contributions = [{"categorie": "Mobilité", "texte": f"{XSS} et {JINJA}", "pseudonyme": "#eval(1)",
                      "date": date(2026, 11, 30)},
                     {"categorie": "$x^2$", "texte": "=HYPERLINK(\"http://x\")", "pseudonyme": "*a*",
                      "date": "2026-11-29"}]
    text = pdf_text(carnet_pdf(tiny, tid, contrat=contrat, contributions=contributions, today=TODAY),
                    tmp_path)
    for s in (f"Contrat {XSS}", f"Enjeu {XSS} (orientations : Orientation {JINJA})", f"**gras** {JINJA}",
              f"{XSS} et {JINJA}", "#eval(1)", "$x^2$", "=HYPERLINK(\"http://x\")", "*a*",
              f"Document {XSS}", "30 novembre 2026", "7 juillet 2021"):
        assert s in text, s
    assert "49" not in text.split("Contributions des ateliers")[-1].split("Sources et méthodes")[0]


def test_an_image_the_build_does_not_hold_is_refused(tmp_path):
    from carnet.errors import CarnetError
    from carnet.rapport.typst_doc import compile_pdf

    doc = {"titre": "t", "sous_titre": "", "genere_le": "",
           "sections": [{"titre": "x", "blocs": [{"type": "image", "fichier": "../etc/passwd",
                                                   "legende": "", "largeur": 50}]}]}
    with pytest.raises(CarnetError, match="absente"):
        compile_pdf(doc)
    with pytest.raises(CarnetError, match="refusé"):
        compile_pdf(doc, files={"../x.png": b""})
    doc["sections"][0]["blocs"] = [{"type": "video"}]
    with pytest.raises(CarnetError, match="Valeurs possibles"):
        compile_pdf(doc)


def test_pack_story_texts_stay_plain_text(tiny, tiny_pack, tid, tmp_path):
    from carnet.recits.spec import folder

    d = folder(tiny.id)
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{tid}.toml").write_text(
        f'titre = "{XSS}"\n[[chapitres]]\nid = "c"\ntype = "carte_indicateur"\n'
        f'titre = "Carte {XSS}"\ntexte = "{JINJA} **gras** =HYPERLINK(1)"\n'
        'carte = { indicateur = "taux_chomage", classes = "quantiles", couches = ["epci"] }\n',
        encoding="utf-8")
    text = pdf_text(carnet_pdf(tiny, tid, today=TODAY), tmp_path)
    assert f"Carte {XSS}" in text and f"{JINJA} **gras** =HYPERLINK(1)" in text
    assert "Taux de chômage" in text.split(f"Carte {XSS}")[-1]  # the story's indicator is mapped


def test_a_frozen_t0_is_used_as_stored_and_said_so(tiny, tid):
    from carnet.contrat import t0 as t0mod
    from carnet.rapport.content import content

    contrat = Contrat(pack=tiny.id, territoire=tid, titre="Contrat", statut="signe",
                      phases=(Phase("signature", debut=DateConnue(date(2021, 7, 7), Provenance())),))
    stored = t0mod.snapshot(tiny, contrat)
    stored["indicateurs"] = [dict(r, territoire=r["territoire"] + 1 if r["territoire"] is not None
                                  else None) for r in stored["indicateurs"]]  # what the store holds

    def review(doc):
        sec = next(s for s in doc["sections"] if s["titre"].startswith("Clause de revoyure"))
        notes = " ".join(b["texte"] for b in sec["blocs"] if b["type"] == "note")
        table = next(b for b in sec["blocs"] if b["type"] == "tableau")
        return notes, table["lignes"]

    (said, frozen), (said_computed, computed) = (
        review(content(tiny, tid, contrat=contrat, t0=stored, today=TODAY)),
        review(content(tiny, tid, contrat=contrat, today=TODAY)))
    assert "T0 figé dans la base des contrats" in said and "pas encore figé" in said_computed
    pop = next(i for i, r in enumerate(computed) if r[0].startswith("Population"))
    # the stored T0 (one more inhabitant), not a recomputed one
    assert computed[pop][2].startswith("6\u202f000\u202fhab. →"), computed[pop]
    assert frozen[pop][2].startswith("6\u202f001\u202fhab. →"), frozen[pop]
