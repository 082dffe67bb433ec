"""The Présentation page (issue #11 §2): a territoire's story one slide at a time.

Pure checks of its colours (WCAG contrast, computed here from the sRGB formula, not with the
page's own function) and of the slide number; AppTest on the tiny pack (renders, ``?diapo=``
clamped, next/previous change the slide and the URL, the deck's download button) and on the
Nord (the Cambrésis's slides show the numbers of the HTML deck, slide by slide).
"""

from __future__ import annotations

import html
import json
import re

import pytest

from carnet.ui.presentation import theme
from tests.app.conftest import no_exception

PAGE = "pages/presentation.py"


def _wcag(fg: str, bg: str) -> float:
    def lum(h: str) -> float:
        rgb = [int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("what, fg, bg", theme.TEXT_PAIRS)
def test_every_text_colour_has_a_contrast_of_at_least_4_5(what, fg, bg):
    assert _wcag(fg, bg) >= 4.5, (what, fg, bg, round(_wcag(fg, bg), 2))
    assert theme.contrast(fg, bg) == pytest.approx(_wcag(fg, bg))


def test_contrast_function_gives_the_wcag_reference_values():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA
    assert theme.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_every_colour_of_the_css_is_a_checked_one():
    used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", theme.CSS)}
    checked = {c.lower() for _, fg, bg in theme.TEXT_PAIRS for c in (fg, bg)}
    # rules and the progress bar are not text: #d0d4d8 (rules), TRACK and FILL (progress)
    assert used - checked == {"#d0d4d8", theme.TRACK.lower(), theme.FILL.lower()}


def test_sizes_at_the_two_projector_resolutions():
    assert theme.unit_px(1920, 1080) == pytest.approx(28.08)  # body ≥ 28 px
    assert theme.unit_px(1920, 1080) * theme.TITLE_SCALE >= 48  # titles ≥ 48 px
    assert theme.unit_px(1024, 768) == pytest.approx(18.432)
    assert 400 <= theme.map_height(1024, 768) < 768 - 200 and theme.map_height(None, None) == 520


@pytest.mark.parametrize("raw, total, expected", [
    ("3", 13, 3), (None, 13, 1), ("", 13, 1), ("abc", 13, 1), ("0", 13, 1), ("-4", 13, 1),
    ("99", 13, 13), (" 7 ", 13, 7), ("2.5", 13, 1), ("1e3", 13, 1), ("5", 0, 1),
])
def test_slide_number_is_clamped(raw, total, expected):
    from carnet.ui.presentation import clamp

    assert clamp(raw, total) == expected


# --- AppTest, tiny pack ---------------------------------------------------------------

@pytest.fixture
def tiny_presentation(tiny_app, tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    return tiny_app


def _slide(at) -> tuple[str, str]:
    """(data-numero, title) of the slide shown."""
    for e in at.get("html"):
        m = re.search(r'<div class="carnet-diapo" data-numero="(\d+)"[^>]*><header>.*?<h2>(.*?)</h2>',
                      e.proto.body)
        if m:
            return m.group(1), html.unescape(m.group(2))
    raise AssertionError("aucune diapositive affichée")


def _counter(at) -> str:
    body = next(e.proto.body for e in at.get("html") if "carnet-barre" in e.proto.body)
    return re.search(r'class="compteur"[^>]*>([^<]+)<', body).group(1)


def _open(at, **params):
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(PAGE).run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    return at


def test_tiny_page_renders_and_turns_with_the_buttons(tiny_presentation, tiny):
    from carnet import fiches, recits

    at = _open(tiny_presentation)
    tid = next(iter(fiches.territory_options(tiny)))
    titles = [s.titre for s in recits.diapositives(tiny, recits.recit(tiny, tid))]
    n = len(titles)
    assert _slide(at) == ("1", titles[0]) and _counter(at) == f"1 / {n}"
    assert at.query_params["diapo"] == "1"  # the permalink from the first slide on
    assert at.button(key="diapo_precedente").disabled
    at.button(key="diapo_suivante").click().run()
    no_exception(at)
    assert _slide(at) == ("2", titles[1]) and at.query_params["diapo"] == "2"
    assert _counter(at) == f"2 / {n}"
    at.button(key="diapo_suivante").click().run()
    at.button(key="diapo_precedente").click().run()
    assert _slide(at) == ("2", titles[1]) and at.query_params["diapo"] == "2"
    (dl,) = [b for b in at.get("download_button") if b.proto.id.endswith("diapo_telecharger")
             or "Télécharger" in b.proto.label]
    assert dl.proto.label == "Télécharger (HTML)" and "sans réseau" in dl.proto.help


@pytest.mark.parametrize("raw, expected", [("999", "last"), ("abc", "1"), ("-3", "1"), ("2", "2")])
def test_tiny_diapo_parameter_is_clamped_without_error(tiny_presentation, tiny, raw, expected):
    from carnet import fiches, recits

    tid = next(iter(fiches.territory_options(tiny)))
    n = len(recits.recit(tiny, tid).chapitres)
    at = _open(tiny_presentation, diapo=raw)
    want = str(n) if expected == "last" else expected
    assert _slide(at)[0] == want and at.query_params["diapo"] == want
    if want == str(n):
        assert at.button(key="diapo_suivante").disabled


def test_tiny_strings_of_the_story_stay_text(tiny_presentation, tiny_pack):
    hostile = "<img src=x onerror=alert(1)> {{ 7*7 }} **gras** =HYPERLINK(\"http://x\")"
    folder = tiny_pack.packs_dir / tiny_pack.id / "recits"
    folder.mkdir(parents=True, exist_ok=True)
    from carnet import fiches
    from carnet.pack import load_pack

    tid = next(iter(fiches.territory_options(load_pack(tiny_pack.id))))
    (folder / f"{tid}.toml").write_text(
        f'titre = "{hostile.replace(chr(34), chr(92) + chr(34))}"\n[[chapitres]]\ntype = "en_bref"\n'
        f'titre = "{hostile.replace(chr(34), chr(92) + chr(34))}"\n', encoding="utf-8")
    at = _open(tiny_presentation)
    bodies = "".join(e.proto.body for e in at.get("html"))
    assert "<img src=x" not in bodies and "&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }} **gras**" in bodies
    assert _slide(at)[1] == hostile


def test_tiny_contributions_slide_shows_the_approved_ones(tiny_presentation, tiny_pack, tmp_path):
    """The DÉBATTRE chapter of the page: approved contributions from the app's database, the
    hostile one as text; a rejected one absent."""
    from datetime import date

    from carnet import db, fiches
    from carnet.ateliers.repository import AtelierRepository
    from carnet.pack import load_pack

    tid = next(iter(fiches.territory_options(load_pack(tiny_pack.id))))
    folder = tiny_pack.packs_dir / tiny_pack.id / "recits"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{tid}.toml").write_text('titre = "Atelier"\n[[chapitres]]\ntype = "contributions"\n',
                                        encoding="utf-8")
    repo = AtelierRepository(db.get_engine(f"sqlite:///{tmp_path / 'projets.sqlite'}"))
    a = repo.open_atelier(tiny_pack.id, tid, "Atelier", date.today(), date.today(), "m", "editor")
    ids = [repo.submit(a["code"], cat, texte, 3.35, 49.65, f"{i}" * 32).contribution["id"]
           for i, (cat, texte) in enumerate([("idee", "<img src=x onerror=alert(1)>"),
                                             ("atout", "Refusée ensuite")])]
    repo.moderate(ids[0], "approuver", 1, "m", "editor")
    repo.moderate(ids[1], "rejeter", 1, "m", "editor", motif="hors sujet")
    at = _open(tiny_presentation)
    bodies = "".join(e.proto.body for e in at.get("html"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in bodies and "<img src=x" not in bodies
    assert "Refusée ensuite" not in bodies


# --- AppTest, the Nord -----------------------------------------------------------------

@pytest.fixture
def nord_presentation(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    # the window's size, as the keyboard bridge reports it in a browser (AppTest renders no
    # component): the maps wait for it
    from carnet.ui.presentation.clavier import VIEWPORT

    app.session_state[VIEWPORT] = (1920, 1080)
    return app


def _values(fragment: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(r'<span class="valeur">(.*?)</span>', fragment)]


@pytest.mark.integration
def test_nord_cambresis_slides_show_the_numbers_of_the_deck(nord_presentation, nord):
    from carnet.recits.cli import diaporama

    at = _open(nord_presentation, territoire="cambresis", diapo="2")
    # the deck of the CLI, on the registry as the page left it (opening it seeds its projects)
    deck = diaporama(nord, "cambresis")
    by_number = {int(m.group(1)): m.group(0) for m in
                 re.finditer(r'<section class="slide" id="diapositive-(\d+)".*?</section>', deck, re.S)}
    assert sorted(by_number) == list(range(1, 14))
    for k in (2, 4, 11, 12):
        if k != 2:
            at.query_params["diapo"] = str(k)
            at.run()
            no_exception(at)
        assert _slide(at)[0] == str(k)
        page = "".join(e.proto.body for e in at.get("html") if "carnet-diapo" in e.proto.body)
        shown = _values(page)
        assert shown and shown == _values(by_number[k]), (k, shown)
        assert _counter(at) == f"{k} / 13"
    assert _values(by_number[11])[0] == "91 sur 280"  # the contract's published count
    # the figures against the raw file: Σ P22_POP of the Cambrésis communes
    from tests.test_figures import C25, raw_rows, territory_codes

    codes = territory_codes("cambresis")
    pop = sum(float(row["P22_POP"]) for row in raw_rows(C25) if row["CODGEO"] in codes)
    at.query_params["diapo"] = "2"
    at.run()
    assert pop == 158_302 and "158\u202f302\u202fhab." in _values(
        "".join(e.proto.body for e in at.get("html")))


def _folium_maps(at) -> list:
    return [e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]


@pytest.mark.integration
def test_nord_map_slide_draws_the_atlas_map_and_clamps(nord_presentation):
    at = _open(nord_presentation, territoire="cambresis", diapo="40")
    assert _slide(at) == ("13", "La clause de revoyure") and at.query_params["diapo"] == "13"
    at.query_params["diapo"] = "4"
    at.run()
    no_exception(at)
    assert _slide(at) == ("4", "Le chômage, commune par commune")
    maps = _folium_maps(at)
    assert len(maps) == 1
    assert json.loads(maps[0].proto.json_args)["height"] == theme.map_height(1920, 1080) == 753
    assert "Taux de chômage des 15-64 ans 2022" in json.dumps(json.loads(maps[0].proto.json_args),
                                                          ensure_ascii=False)
    at.button(key="diapo_precedente").click().run()
    assert _slide(at)[0] == "3" and at.query_params["diapo"] == "3"
    assert _folium_maps(at) == []


def test_tiny_map_waits_for_the_window_size_then_is_the_atlas_map(tiny_presentation):
    from carnet.ui.presentation.clavier import VIEWPORT

    at = _open(tiny_presentation, diapo="1")  # the territoire slide: the territories map
    bodies = "".join(e.proto.body for e in at.get("html"))
    assert "Préparation de la carte…" in bodies and _folium_maps(at) == []
    at.session_state[VIEWPORT] = (1024, 768)  # what the bridge reports
    at.run()
    no_exception(at)
    (m,) = _folium_maps(at)
    assert json.loads(m.proto.json_args)["height"] == theme.map_height(1024, 768)
    assert "Préparation de la carte…" not in "".join(e.proto.body for e in at.get("html"))
