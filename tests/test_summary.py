"""Plain-language territory summary: real figures, honest income wording, sources."""

from __future__ import annotations

import pytest

from carnet import summary

NBSP = "\u202f"


def test_percentage_points_wording():
    assert summary._pct_pts(1.94) == "1,9 point"
    assert summary._pct_pts(-5.7) == "5,7 points"
    assert summary._pct_pts(-1.97) == "2,0 points"  # plural as printed, after rounding


def test_markdown_escapes_data_text():
    md = summary.summary_markdown([summary.Paragraph("X", "a *b* [c](d) <i>", ("src_1",))])
    assert "\\*b\\*" in md and "\\[c\\]" in md and "\\<i\\>" in md
    assert "*Source : src\\_1.*" in md


@pytest.mark.integration
def test_cambresis_summary(nord):
    paras = summary.territory_summary(nord, "cambresis")
    assert [p.theme for p in paras] == ["Population", "Chômage", "Revenus"]
    pop, chom, rev = (p.text for p in paras)
    assert pop.startswith(f"Le Cambrésis compte 158{NBSP}302 habitants en 2022")
    assert f"diminué de 3{NBSP}743 habitants" in pop  # 162 045 in 2016
    assert f"16,8{NBSP}%" in chom and "au-dessus du taux départemental" in chom
    assert f"14,9{NBSP}%" in chom
    # Income: commune medians only, never presented as a territory median.
    assert rev.startswith("Les sources du Carnet ne donnent le revenu disponible médian (Filosofi 2021) "
                          "que par commune") and "pas de médiane du Cambrésis" in rev
    assert "commune médiane du Nord" in rev
    for p in paras:
        assert p.sources and all("·" in s for s in p.sources)  # producer, title · vintage
    assert any("RP 2022" in s for s in paras[0].sources)
    assert any("Filosofi 2021" in s for s in paras[2].sources)


@pytest.mark.integration
def test_every_territory_has_a_summary(nord):
    for t in nord.territoires:
        paras = summary.territory_summary(nord, t.id)
        assert len(paras) == 3, t.id
        md = summary.summary_markdown(paras)
        assert md.count("*Source :") == 3


@pytest.mark.integration
def test_ranking_sentence_extremes(nord):
    chom = {t.id: summary.unemployment_paragraph(nord, t.id).text for t in nord.territoires}
    assert "le plus bas des 7 territoires" in chom["flandre-interieure"]
    assert "le plus élevé des 7 territoires" in chom["sambre-avesnois"]


@pytest.fixture
def somme(somme_cache, monkeypatch):
    """The built Somme pack (no 2022 census: RP 2021, Filosofi 2019)."""
    from carnet.pack import load_pack

    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    return load_pack("somme")


@pytest.mark.integration
def test_somme_summary_at_latest_vintages(somme):
    paras = summary.territory_summary(somme, "amiens")
    assert [p.theme for p in paras] == ["Population", "Chômage", "Revenus"]
    pop, chom, rev = (p.text for p in paras)
    assert pop.startswith(f"L'arrondissement d'Amiens compte 304{NBSP}331 habitants en 2021, soit "
                          f"53,7{NBSP}% de la population de la Somme.")
    assert (f"Depuis 2015, la population de l'arrondissement d'Amiens a augmenté de 1{NBSP}595 "
            "habitants") in pop
    assert f"+0,09{NBSP}% par an en moyenne, contre -0,16{NBSP}% par an pour le département" \
        .replace(NBSP, " ") in pop.replace(NBSP, " ")
    assert chom.startswith(f"Le taux de chômage des 15-64 ans (au sens du recensement) atteint "
                           f"14,3{NBSP}% dans l'arrondissement d'Amiens en 2021, 0,3 point au-dessus "
                           f"du taux départemental (14,1{NBSP}%).")
    assert "au 2e rang des 4 arrondissements" in chom
    assert "publié pour 246 communes sur 291" in rev and "en 2019" in rev
    assert f"21{NBSP}180 €, le revenu de la commune médiane de la Somme" in rev
    third = " (compilation tierce du comparateur 2024)"  # the 2021 figures are a third-party copy
    assert paras[0].sources[0].endswith(f"· RP 2021{third}")
    assert paras[0].sources[1].endswith(f"· RP 2015 et 2021{third}")
    assert paras[1].sources == (paras[0].sources[0],)
    assert paras[2].sources[0].endswith("Filosofi 2019")
    text = " ".join(p.text for p in paras)
    assert "2022" not in text and "territoire" not in text and "du Somme" not in text


@pytest.mark.integration
def test_somme_every_arrondissement_and_extremes(somme):
    chom = {t.id: summary.unemployment_paragraph(somme, t.id).text for t in somme.territoires}
    assert "le plus élevé des 4 arrondissements" in chom["peronne"]  # 14,5 %
    assert "le plus bas des 4 arrondissements" in chom["montdidier"]  # 12,1 %, 2,0 points below
    assert "2,0 points en dessous" in chom["montdidier"]
    for t in somme.territoires:
        md = summary.summary_markdown(summary.territory_summary(somme, t.id))
        assert md.count("*Source :") == 3, t.id
