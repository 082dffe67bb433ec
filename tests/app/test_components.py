"""Key-figure card markup: the number and its unit never break inside."""

from __future__ import annotations

from carnet.ui.components import nowrap_html, split_unit, value_html

NBSP = "\u202f"


def test_split_unit():
    assert split_unit(f"2{NBSP}616{NBSP}909{NBSP}hab.") == (f"2{NBSP}616{NBSP}909", "hab.")
    assert split_unit(f"455,7{NBSP}hab./km²") == ("455,7", "hab./km²")  # '²' is not a digit here
    assert split_unit(f"18,1{NBSP}%") == (f"18,1{NBSP}%", "")  # a percent stays whole
    assert split_unit("non publié") == ("non publié", "")
    assert split_unit(f"1{NBSP}234") == (f"1{NBSP}234", "")


def test_value_html_nowrap_spans():
    html = value_html(f"1{NBSP}032{NBSP}896{NBSP}emplois")
    assert html == (f'<div class="kf-value"><span class="kf-num">1{NBSP}032{NBSP}896</span> '
                    '<span class="kf-unit">emplois</span></div>')


def test_nowrap_html_range_and_escaping():
    out = nowrap_html(f"125{NBSP}780 – 1{NBSP}292{NBSP}958{NBSP}hab.", bold=True)
    assert out.startswith("<b>") and out.count('class="kf-nowrap"') == 3
    assert "<script>" not in value_html("<script>x</script>")
