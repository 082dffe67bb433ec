"""Every hostile file through the import wizard of the real app: French messages only.

Issue #8 §3: a GeoJSON with ``"features": 5``, 100 000 nested arrays or a GeoPackage with
only an attribute table showed a traceback. The app (``app.py`` → Plan d'actions, signed in
as an editor) is given each file of the corpus ``tests/data/projets/`` (and those three,
built here) as if uploaded; no element may hold traceback text, a server path or live
Markdown, and the corpus file's expected French message must be on the page. A file named
with Markdown payloads is then imported: its name stays text in every message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app.inert import (
    HOSTILE,
    LINK_URL,
    PIXEL_URL,
    assert_inert,
    assert_no_leak,
    displayed,
    element_texts,
)

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[1] / "data" / "projets"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
HOSTILE_NAME = f"[lien]({LINK_URL})![pixel]({PIXEL_URL}) :smile: $x$.csv"


class Upload:
    """What ``st.file_uploader`` returns (AppTest cannot drive the real widget)."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data, self.size = name, data, len(data)

    def getvalue(self) -> bytes:
        return self._data


def _built_files(tmp: Path) -> dict[str, bytes]:
    import pandas as pd
    import pyogrio

    deep = "[" * 100_000 + "]" * 100_000
    gpkg = tmp / "attributs_seuls.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"titre": ["Maison"], "commune": ["59122"]}), gpkg,
                            layer="projets", driver="GPKG")
    return {
        "features_nombre.geojson": b'{"type": "FeatureCollection", "features": 5}',
        "imbrication.geojson": ('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                                f'"properties": {{}}, "geometry": {{"type": "Point", "coordinates": '
                                f"{deep}}}}}]}}").encode(),
        "tableau_imbrique.json": deep.encode(),
        "attributs_seuls.gpkg": gpkg.read_bytes(),
    }


def _seen(at) -> str:
    """Every text of the run as displayed, with the cells of its tables."""
    parts = [displayed(t) for _, t in element_texts(at)]
    for df in at.dataframe:
        parts += [str(v) for v in df.value.astype(str).to_numpy().ravel()]
    return "\n".join(parts)


@pytest.fixture
def wizard(app, tmp_path, monkeypatch):
    """(app, setter): the app as an editor on a fresh registry; setter(name, bytes) uploads."""
    import streamlit

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    current: dict[str, Upload | None] = {"file": None}
    real = streamlit.file_uploader

    def fake(label, *args, **kwargs):
        if label.startswith("Fichier"):  # the import wizard's uploader
            real(label, *args, **kwargs)  # the widget still exists (same key, same page)
            return current["file"]
        return real(label, *args, **kwargs)

    monkeypatch.setattr(streamlit, "file_uploader", fake)
    # AppTest turns Streamlit's legacy pages/ mode on again before every run, so the router
    # guard of carnet.ui reran each run and ate the "Importer" click (not so on a server).
    monkeypatch.setattr("carnet.ui.leave_legacy_pages_mode", lambda: None)
    app.session_state["projets_auth"] = {"user": "marie", "role": "editor"}
    app.switch_page("pages/plan_actions.py").run()
    assert_no_leak(app)

    def upload(name: str, data: bytes):
        current["file"] = Upload(name, data)
        app.run()
        return app

    yield app, upload
    from carnet import db

    db.dispose_all()


def test_every_corpus_file_gives_its_french_message(wizard):
    at, upload = wizard
    missing = []
    for path in sorted(CORPUS.iterdir()):
        if path.name == "MANIFEST.json":
            continue
        upload(path.name, path.read_bytes())
        assert_no_leak(at)
        assert_inert(at)
        if path.name in MANIFEST and MANIFEST[path.name] not in _seen(at):
            missing.append((path.name, MANIFEST[path.name]))
    assert missing == [], missing


def test_files_that_showed_a_traceback(wizard, tmp_path):
    at, upload = wizard
    for name, data in _built_files(tmp_path).items():
        upload(name, data)
        assert_no_leak(at)
        errors = [displayed(e.value) for e in at.error]
        # refused with a message naming the file, or read (a table without geometry is
        # located by its communes): then the validation report is there
        report = [s.value for s in [*at.success, *at.warning] if "sur" in s.value]
        assert all(name in e for e in errors) and (errors or report), (name, errors, report)


def test_hostile_file_name_stays_text_through_the_import(wizard):
    at, upload = wizard
    data = (f"titre;commune;description\nMaison de santé;59122;{HOSTILE}\n").encode()
    upload(HOSTILE_NAME, data)
    assert_no_leak(at)
    assert_inert(at)
    button = next(b for b in at.button if b.label.startswith("Importer"))
    button.click().run()
    assert_no_leak(at)
    assert_inert(at)
    done = [displayed(s.value) for s in at.success if "importé" in s.value]
    assert done == [f"1 projet(s) importé(s) depuis {HOSTILE_NAME}."], [s.value for s in at.success]

