"""Plain-language territory summary: real figures, honest income wording, sources."""

from __future__ import annotations

import pytest

from carnet import summary

NBSP = "\u202f"


def test_percentage_points_wording():
    assert summary._pct_pts(1.94) == "1,9 point"
    assert summary._pct_pts(-5.7) == "5,7 points"


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
    assert "publié que par commune" in rev
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
