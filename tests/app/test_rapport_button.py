"""The Territoire page's « Carnet PDF » button (tiny pack): present, and the file it gives."""

from __future__ import annotations

import subprocess

from tests.app.conftest import no_exception


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_territoire_page_has_the_pdf_button(tiny_app, tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    tiny_app.query_params["territoire"] = "plateau"
    tiny_app.switch_page("pages/territoire.py").run()
    no_exception(tiny_app)
    buttons = [b for b in tiny_app.get("download_button") if b.proto.label == "Carnet PDF"]
    assert len(buttons) == 1 and buttons[0].proto.help.startswith("Le carnet du territoire")


def test_the_button_gives_the_territoire_carnet(tiny, tmp_path, monkeypatch):
    from carnet.ui.rapport import pdf_bytes

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    pdf = pdf_bytes(tiny, "plateau")
    text = _text(pdf)
    assert pdf.startswith(b"%PDF") and "Pays du Plateau" in text and "Sources et méthodes" in text


def test_a_failure_gives_a_french_pdf_not_a_traceback(tiny, tmp_path, monkeypatch, caplog):
    import carnet.rapport.document as document
    from carnet.errors import CarnetError
    from carnet.ui.rapport import pdf_bytes

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")

    def broken(*a, **k):
        raise CarnetError("/srv/carnet/secret/fichier.typ : police absente")

    monkeypatch.setattr(document, "carnet_pdf", broken)
    text = _text(pdf_bytes(tiny, "plateau"))
    assert "Le carnet PDF n'a pas pu être produit : fichier.typ : police absente (référence" in text
    assert "/srv" not in text and "Traceback" not in text and "CarnetError" not in text
    assert "référence" in caplog.text
