"""The Territoire page's « Histoire, culture et environnement » on the Nord and the Somme.

The Cambrésis: three tabs with the layers' sentences (counts recomputed here from the raw
files), the lists with their POP notices, the seed file's sourced text, the empty section
saying so; an editor edits a section, a stale save gets the conflict message. The Somme:
no monuments layer, and the section says so.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from carnet import db
from tests.app.conftest import NBSP, no_exception, texts

pytestmark = pytest.mark.integration

SOURCES = Path(os.environ.get("CARNET_SOURCES", "data/sources"))
HEADING = "Histoire, culture et environnement"


@pytest.fixture
def private_db(monkeypatch, tmp_path):
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'carnet.sqlite'}")
    yield f"sqlite:///{tmp_path / 'carnet.sqlite'}"
    db.dispose_all()


def _territoire(at, tid: str):
    at.run()
    no_exception(at)
    at.switch_page("pages/territoire.py").run()
    at.sidebar.selectbox(key="w_territoire").set_value(tid).run()
    no_exception(at)
    return at


def _raw_monuments(codes: set[str]) -> int:
    path = SOURCES / "culture-monuments-historiques" / "merimee_nord_59_points.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.DictReader(fh) if row["code_insee"] in codes)


def _cambresis_codes(app_pack) -> set[str]:
    c = app_pack.communes
    return set(c.loc[c["territoire"] == "cambresis", "code"])


def test_cambresis_sections_from_layers_and_seed_text(app, private_db):
    from carnet.pack import load_pack

    at = _territoire(app, "cambresis")
    out = texts(at)
    assert HEADING in [s.value for s in at.subheader]
    tabs = [t.label for t in at.tabs]
    assert {"Histoire et patrimoine", "Culture", "Environnement et paysage"} <= set(tabs)
    n = _raw_monuments(_cambresis_codes(load_pack("nord")))
    assert n == 55
    assert (f"{n} immeubles protégés au titre des monuments historiques sont recensés\\, dans 18 "
            "communes sur 116\\.") in out
    assert "Cambrai \\(30\\)" in out
    assert "4 musées de France sont recensés" in out
    # the seed file's sourced text, its citation, and the empty section saying so
    assert "le musée de la Dentelle dans le cadre de Caudry 4M" in out
    assert "*Source : Ministère de la Culture\\, Liste et localisation des musées de France" in out
    assert "Aucun texte sourcé pour cette section." in out
    assert f"8,3{NBSP}% de la superficie du territoire" in out.replace("\\", "")
    # lists: the monuments' table with notices built from the Mérimée reference, sent when
    # its expander is opened
    assert not at.dataframe
    assert "Liste et notices POP (55)" in [e.label for e in at.expander]
    at.session_state["carnet_liste0_nord_cambresis_histoire"] = True
    at.run()
    no_exception(at)
    frames = [d.value for d in at.dataframe if "Référence Mérimée" in d.value.columns]
    assert frames and len(frames[0]) == n
    row = frames[0].iloc[0]
    assert row["Notice"] == f"https://pop.culture.gouv.fr/notice/merimee/{row['Référence Mérimée']}"
    # viewer: no editing form
    assert not [e for e in at.text_area]


def raw(at) -> str:
    """Markdown, caption, alert texts as sent (no tag stripping: :func:`texts` strips ``<…>``)."""
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info", "warning", "error")
                     for e in getattr(at, kind))


def _as_editor(monkeypatch, name="marie"):
    import carnet.ui.carnets as ui

    monkeypatch.setattr(ui, "current_user", lambda: (name, "editor"))


#: The sections alone (AppTest drops clicks in an app with st.navigation: see test_login.py).
SECTIONS_ONLY = """
from carnet.ui import carnets, data
carnets.carnet_sections(data.pack(), "cambresis")
"""


def test_editor_saves_then_stale_save_gets_the_conflict(built_cache, private_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from carnet.carnets.store import CarnetStore

    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    monkeypatch.delenv("CARNET_PACK", raising=False)
    _as_editor(monkeypatch)
    at = AppTest.from_string(SECTIONS_ONLY, default_timeout=120).run()
    no_exception(at)
    key = "carnet_texte_nord_cambresis_histoire"
    area = at.text_area(key=key)
    assert area.value == ""
    area.set_value("Cambrai garde un beffroi. <img src=x onerror=alert(1)>")
    at.button[[b.label for b in at.button].index("Enregistrer")].click().run()
    no_exception(at)
    assert "paragraphe sans citation" in raw(at)  # refused, nothing written
    assert CarnetStore(db.get_engine(private_db)).current("nord", "cambresis", "histoire").version == 0

    text = ("Texte **sourcé** <img src=x onerror=alert(1)> [x](javascript:alert(1)) {{ 7*7 }} "
            "[source : culture-monuments-historiques]")
    at.text_area(key=key).set_value(text)
    at.button[[b.label for b in at.button].index("Enregistrer")].click().run()
    no_exception(at)
    out = raw(at)
    assert ("Texte **sourcé** \\<img src\\=x onerror\\=alert\\(1\\)\\> \\[x\\]\\(javascript\\:"
            "alert\\(1\\)\\) \\{\\{ 7\\*7 \\}\\}") in out
    assert "Texte enregistré dans le Carnet par marie" in out
    store = CarnetStore(db.get_engine(private_db))
    assert store.current("nord", "cambresis", "histoire").version == 1

    # someone else saves meanwhile; this editor's next save is stale
    store.save("nord", "cambresis", "histoire", "Autre texte. [source : x]", 1, "paul", "editor")
    at.text_area(key=key).set_value("Ma version. [source : y]")
    at.button[[b.label for b in at.button].index("Enregistrer")].click().run()
    no_exception(at)
    out = raw(at)
    assert "Conflit : la section « Histoire et patrimoine » a été modifiée par paul" in out.replace(
        "\\", "")
    assert at.text_area(key=key).value == "Ma version. [source : y]"  # nothing lost
    assert store.current("nord", "cambresis", "histoire").texte == "Autre texte. [source : x]"
    assert "Autre texte. [source : x]" in [c.value for c in at.code]  # theirs, to compare

    # having seen theirs, the editor saves again: now on top of version 2
    at.button[[b.label for b in at.button].index("Enregistrer")].click().run()
    no_exception(at)
    cur = store.current("nord", "cambresis", "histoire")
    assert (cur.texte, cur.version, cur.updated_by) == ("Ma version. [source : y]", 3, "marie")
    assert [h["user"] for h in store.history("nord", "cambresis", "histoire")] == [
        "marie", "paul", "marie"]


def test_somme_says_what_is_missing(somme_app, private_db):
    at = _territoire(somme_app, "abbeville")
    out = texts(at).replace("\\", "")
    assert HEADING in [s.value for s in at.subheader]
    assert "La couche « Monuments historiques » n'est pas dans le pack Somme" in out
    assert "2 musées de France sont recensés, dans 2 communes sur 164." in out
    assert "Baie de Somme Picardie maritime" in out
    assert out.count("Aucun texte sourcé pour cette section.") == 3


def test_carnet_map_is_a_page_of_its_own_written_once(app, private_db):
    """The layers' map is written once as a static page (content-hashed name) that loads
    Leaflet from the app; a rerun sends its address only (issue #12 §1)."""
    import re

    from carnet.maps.assets import STATIC_DIR

    at = _territoire(app, "cambresis")
    (frame,) = [e for e in at.get("iframe")]
    src = frame.proto.src
    assert frame.proto.alt == f"Carte « {HEADING} »"  # the frame's title, its accessible name
    assert re.fullmatch(r"/app/static/cartes/carnet-nord-cambresis-[0-9a-f]{16}\.html", src), src
    page = (STATIC_DIR / src.removeprefix("/app/static/")).read_text(encoding="utf-8")
    assert '<script src="/app/static/vendor/leaflet' in page
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)  # nothing fetched elsewhere
    assert "Monuments historiques (55)" in page and "Musées de France (4)" in page
    at.run()
    assert [e.proto.src for e in at.get("iframe")] == [src]  # same page, nothing rewritten
