"""Stories (issue #11 §1): the spec checked in French, the default story, slides that show
the Territoire page's figures, and a diaporama that stays inert and opens with no network."""

from __future__ import annotations

import dataclasses
import re

import pytest

from carnet import fiches, recits
from carnet.errors import ConfigError
from carnet.recits.model import PARTIES
from carnet.recits.spec import chapter_types, read_recit

XSS = "<img src=x onerror=alert(1)> {{ 7*7 }}"


def _story(tmp_path, body: str):
    d = tmp_path / "nord" / "recits"
    d.mkdir(parents=True)
    path = d / "cambresis.toml"
    path.write_text(body, encoding="utf-8")
    return path


# --- the spec, on the tiny pack (no sources) ----------------------------------------

def test_registry_covers_the_three_parts_and_every_builder():
    from carnet.recits.resolve import _BUILDERS

    types = chapter_types()
    assert set(types) == set(_BUILDERS)
    assert {t["partie"] for t in types.values()} == set(PARTIES)


def test_default_story_is_generated_in_three_parts(tiny, tiny_pack):
    tid = next(iter(fiches.territory_options(tiny)))
    r = recits.recit(tiny, tid)
    assert not r.declare
    parts = [c.partie for c in r.chapitres]
    assert parts == sorted(parts, key=list(PARTIES).index)  # COMPRENDRE, DÉBATTRE, AGIR in order
    slides = recits.diapositives(tiny, r)
    assert [s.numero for s in slides] == list(range(1, len(slides) + 1))
    by_type = {c.type: s for c, s in zip(r.chapitres, slides, strict=True)}
    # no contract, no project, no contribution in the tiny pack: said in words, never a crash
    assert "pas de contrat" in by_type["enjeux"].texte
    assert "Aucun projet" in by_type["plan_actions"].texte
    assert "Aucune contribution" in by_type["contributions"].texte
    kf = fiches.key_figures(tiny, "territoire", tid)
    assert [(c.libelle, c.valeur, c.reference) for c in by_type["chiffres_cles"].chiffres] == \
        [(k.label, k.text, k.reference) for k in kf]


@pytest.mark.parametrize("body, words", [
    ('[[chapitres]]\ntype = "sondage"\n', ["chapitre 1", "type de chapitre inconnu", "'sondage'",
                                          "chiffres_cles", "revoyure"]),
    ('[[chapitres]]\ntype = "chiffres_cles"\nchiffres = ["pib"]\n',
     ["chapitre 1", "indicateur inconnu", "'pib'"]),
    ('[[chapitres]]\ntype = "en_bref"\ncouleur = "rouge"\n', ["chapitre 1", "clé inconnu", "couleur"]),
    ('[[chapitres]]\ntype = "en_bref"\npartie = "voter"\n', ["partie inconnu", "debattre"]),
    ('[[chapitres]]\ntype = "carte_indicateur"\ncarte = { classes = "au_hasard" }\n',
     ["classement inconnu", "quantiles"]),
    ('[[chapitres]]\ntype = "en_bref"\ntexte = "' + "a" * 601 + '"\n', ["601 caractères", "600"]),
    ('titre = "x"\n', ["aucun chapitre"]),
    ('[[chapitres]]\ntype = "en_bref"\nid = "a"\n[[chapitres]]\ntype = "enjeux"\nid = "a"\n',
     ["en double", "a"]),
    ('[[chapitres]\n', ["TOML invalide"]),
])
def test_a_bad_story_file_is_refused_in_french(tiny, tmp_path, body, words):
    path = _story(tmp_path, body)
    with pytest.raises(ConfigError) as exc:
        read_recit(tiny, path, next(iter(fiches.territory_options(tiny))))
    msg = str(exc.value)
    assert msg.startswith("Récit nord/recits/cambresis.toml"), msg
    for w in words:
        assert w in msg, (w, msg)


def test_story_strings_stay_text_in_the_diaporama(tiny, tmp_path):
    from carnet.recits.diaporama import diaporama_html

    tid = next(iter(fiches.territory_options(tiny)))
    path = _story(tmp_path, f'titre = "{XSS}"\n[[chapitres]]\ntype = "en_bref"\ntitre = "{XSS}"\n'
                            f'texte = "{XSS}"\n')
    r = read_recit(tiny, path, tid)
    page = diaporama_html(recits.diapositives(tiny, r), titre=r.titre)
    assert "<img src=x" not in page and page.count("&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }}") >= 3


# --- the Nord (real sources) ----------------------------------------------------------

@pytest.fixture
def cambresis(nord):
    from carnet.contrat.seed import contrats

    contrat = contrats("nord")["cambresis"]
    r = recits.recit(nord, "cambresis")
    return r, contrat, recits.diapositives(nord, r, contrat=contrat)


def test_cambresis_story_is_declared_and_shows_the_territoire_page_figures(nord, cambresis):
    r, contrat, slides = cambresis
    assert r.declare and len(slides) >= 10
    by_id = {s.id: s for s in slides}
    shown = {c.libelle: c.valeur for c in by_id["chiffres"].chiffres}
    page = {k.label: k.text for k in fiches.key_figures(nord, "territoire", "cambresis")}
    assert shown == page
    # one figure against the raw file: Σ P22_POP of the Cambrésis communes (COG 2024 EPCI)
    from tests.test_figures import C25, raw_rows, territory_codes

    codes = territory_codes("cambresis")
    pop = sum(float(row["P22_POP"]) for row in raw_rows(C25) if row["CODGEO"] in codes)
    assert pop == 158_302 and shown["Population 2022"] == "158\u202f302\u202fhab."
    # the published counts come from the contract seed, never typed in the story
    assert [c.valeur for c in by_id["plan"].chiffres][:1] == ["91 sur 280"]
    assert by_id["revenus"].chiffres == () and "ne s'additionne pas" in by_id["revenus"].notes[0]


def test_contract_strings_stay_text(nord, cambresis):
    from carnet.recits.diaporama import diaporama_html

    r, contrat, _ = cambresis
    hostile = dataclasses.replace(contrat, enjeux=(dataclasses.replace(contrat.enjeux[0], titre=XSS),))
    slides = recits.diapositives(nord, r, contrat=hostile)
    enjeux = next(s for s in slides if s.id == "enjeux")
    assert enjeux.points[0] == XSS  # stored and resolved raw…
    page = diaporama_html([enjeux], titre="x")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }}" in page  # …shown inert


def test_cli_writes_the_deck_atomically_and_refuses_an_unknown_territoire(nord, tmp_path, capsys,
                                                                         monkeypatch):
    from carnet.cli import main

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    out = tmp_path / "cambresis.html"
    assert main(["diaporama", "--pack", "nord", "--territoire", "cambresis", "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Le Cambrésis : comprendre, débattre, agir" in page and "91 sur 280" in page
    assert re.findall(r"<script[^>]*\bsrc=", page) == [] and "<link" not in page
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []
    assert main(["diaporama", "--pack", "nord", "--territoire", "nulle-part", "--output",
                 str(tmp_path / "x.html")]) != 0
    assert "Valeurs possibles : cambresis" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


@pytest.mark.browser
def test_deck_opens_offline_and_turns_with_the_keyboard(nord, tmp_path, monkeypatch):
    from carnet.maps.assets import is_installed
    from tests.support import CHROMIUM, launch_chromium

    if not (CHROMIUM.exists() and is_installed()):
        pytest.skip("chromium ou assets absents")
    playwright = pytest.importorskip("playwright.sync_api")
    from carnet.recits.cli import diaporama

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    path = tmp_path / "cambresis.html"
    path.write_text(diaporama(nord, "cambresis"), encoding="utf-8")
    requested, failed, console = [], [], []
    with playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.route("**/*", lambda route: (requested.append(route.request.url),
                                              route.continue_() if route.request.url.split("#")[0]
                                              == path.as_uri() else route.abort()))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.goto(path.as_uri())
            hashes, polygons = [], {}
            for _ in range(6):
                page.keyboard.press("PageDown")
                page.wait_for_timeout(400)
                hashes.append(page.evaluate("location.hash"))
                n = page.locator(f"[id='{page.evaluate('location.hash')[1:]}'] .leaflet-overlay-pane path, "
                                 ".slide.active .leaflet-overlay-pane path").count()
                polygons[hashes[-1]] = n
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(300)
            back = page.evaluate("location.hash")
        finally:
            browser.close()
    assert hashes == ["#2", "#3", "#4", "#5", "#6", "#7"] and back == "#6"
    assert polygons["#4"] > 100, polygons  # the chômage map: the Cambrésis's 116 communes
    assert set(requested) == {path.as_uri()}, requested
    assert failed == [] and console == [], (failed, console)
