"""The story's DÉBATTRE chapter gets the approved contributions (carnet.ateliers.approved),
counted by category label, their texts raw on the slide and escaped in the diaporama."""

from __future__ import annotations

from datetime import date

from carnet import db, recits
from carnet.ateliers.repository import AtelierRepository
from carnet.recits.cli import contributions
from tests.ateliers.conftest import HOSTILE


def test_approved_contributions_feed_the_contributions_chapter(tiny, tmp_path):
    from carnet.recits.diaporama import diaporama_html

    engine = db.get_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    try:
        repo = AtelierRepository(engine)
        a = repo.open_atelier("mini", "plateau", "Atelier", date.today(), date.today(), "m",
                              "editor")
        ids = []
        for i, (cat, texte) in enumerate([("idee", HOSTILE[0]), ("idee", HOSTILE[1]),
                                          ("probleme", "Pas de trottoir"),
                                          ("atout", "Refusé ensuite")]):
            ids.append(repo.submit(a["code"], cat, texte, 3.35, 49.65, f"{i}" * 32)
                       .contribution["id"])
        for cid in ids[:3]:
            repo.moderate(cid, "approuver", 1, "m", "editor")
        repo.moderate(ids[3], "rejeter", 1, "m", "editor", motif="hors sujet")
        rows = contributions(tiny, "plateau", engine)
        assert [r["texte"] for r in rows] == [HOSTILE[0], HOSTILE[1], "Pas de trottoir"]
        r = recits.recit(tiny, "plateau")
        slides = recits.diapositives(tiny, r, contributions=rows)
        (slide,) = [s for c, s in zip(r.chapitres, slides, strict=True)
                    if c.type == "contributions"]
        assert {c.libelle: c.valeur for c in slide.chiffres} == {"Idée": "2", "Problème": "1"}
        assert slide.points == (HOSTILE[0], HOSTILE[1], "Pas de trottoir")
        assert slide.sources == ("Contributions des participants aux ateliers, après modération",)
        page = diaporama_html([slide], titre="x")
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "{{ 7*7 }}" in page and ">49<" not in page
        assert contributions(tiny, "val", engine) == []
    finally:
        db.dispose_all()


def test_approved_contributions_are_printed_in_the_pdf_as_written(tiny, tmp_path):
    """The PDF carnet's « Contributions des ateliers » (carnet.rapport.document.contributions, as
    the CLI and the Territoire page's button call it): approved ones only, category label,
    hostile texts printed literally."""
    import subprocess

    from carnet.rapport.document import carnet_pdf
    from carnet.rapport.document import contributions as pdf_contributions

    engine = db.get_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    try:
        repo = AtelierRepository(engine)
        a = repo.open_atelier("mini", "plateau", "Atelier", date.today(), date.today(), "m", "editor")
        ids = [repo.submit(a["code"], cat, texte, 3.35, 49.65, f"{i}" * 32, pseudonyme=pseudo)
               .contribution["id"]
               for i, (cat, texte, pseudo) in enumerate([("idee", HOSTILE[0], "{{ 7*7 }}"),
                                                         ("question", HOSTILE[1], None),
                                                         ("atout", "Refusée ensuite", None)])]
        for cid in ids[:2]:
            repo.moderate(cid, "approuver", 1, "m", "editor")
        repo.moderate(ids[2], "rejeter", 1, "m", "editor", motif="hors sujet")
        rows = pdf_contributions(tiny, "plateau", engine)
        assert [(r["categorie"], r["texte"], r["pseudonyme"]) for r in rows] == [
            ("Idée", HOSTILE[0], "{{ 7*7 }}"), ("Question", HOSTILE[1], "")]
        assert all(r["date"] == date.today() for r in rows)  # Paris day of a submission made now
        out = tmp_path / "carnet.pdf"
        out.write_bytes(carnet_pdf(tiny, "plateau", contributions=rows))
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert HOSTILE[0] in text and text.count("{{ 7*7 }}") == 2 and "Refusée ensuite" not in text
        assert "49" not in text.split("Contributions des ateliers")[-1].split("Sources")[0]
    finally:
        db.dispose_all()
