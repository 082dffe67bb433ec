"""The diaporama file (issue #11 §3) on slides built in code: escaping and navigation."""

from __future__ import annotations

import re

import pandas as pd

from carnet.recits.diaporama import KEYS, diaporama_html
from carnet.recits.model import Chiffre, Diapositive

XSS = "<img src=x onerror=alert(1)> {{ 7*7 }}"


def _slides():
    return [
        Diapositive(1, "a", "comprendre", "Titre " + XSS, texte="Texte " + XSS, points=(XSS,),
                    chiffres=(Chiffre(XSS, XSS, XSS, XSS),), sources=(XSS,), notes=(XSS,),
                    tableau=pd.DataFrame({XSS: [XSS], "n": [float("nan")]})),
        Diapositive(2, "b", "agir", "Deux"),
    ]


def test_every_data_string_stays_text():
    page = diaporama_html(_slides(), titre=XSS)
    assert "<img src=x" not in page and "49" not in re.sub(r"\d{3,}", "", page.split("<main")[1])
    assert page.count("&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }}") >= 9
    assert "non publié" in page  # a missing cell is never 0
    assert re.findall(r"<script[^>]*\bsrc=", page) == [] and "<link" not in page


def test_keys_turn_slides_and_the_hash_is_the_slide_number():
    page = diaporama_html(_slides(), titre="Deck")
    assert KEYS["PageDown"] == 1 and KEYS["PageUp"] == -1
    assert KEYS["ArrowRight"] == 1 and KEYS["ArrowLeft"] == -1
    assert '"PageDown": 1' in page and 'location.hash = "#" + k' in page
    assert page.count('class="slide"') == 2 and "1 / 2" in page
