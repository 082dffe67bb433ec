"""Approved contributions on the Territoire page's own map (issue #11 §5): a layer offered in
« Couches » once the territoire has some, drawn on the folium map with its source line."""

from __future__ import annotations

import json
from datetime import date

from carnet import db
from carnet.ateliers.repository import AtelierRepository
from tests.app.conftest import no_exception, texts
from tests.ateliers.conftest import HOSTILE


def _maps(at) -> list[str]:
    return [json.dumps(json.loads(e.proto.json_args), ensure_ascii=False)
            for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]


def test_contributions_layer_on_the_territoire_map(tiny_app, tiny, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("CARNET_DATABASE_URL", url)
    at = tiny_app
    at.query_params.update({"territoire": "plateau"})
    at.switch_page("pages/territoire.py").run()
    no_exception(at)
    (couches,) = [m for m in at.multiselect if m.label == "Couches"]
    assert not any(o.startswith("Contributions") for o in couches.options)  # none approved yet

    repo = AtelierRepository(db.get_engine(url))
    a = repo.open_atelier("mini", "plateau", "Atelier", date.today(), date.today(), "m", "editor")
    ids = [repo.submit(a["code"], cat, texte, 3.35, 49.65, f"{i}" * 32).contribution["id"]
           for i, (cat, texte) in enumerate([("idee", HOSTILE[0]), ("probleme", HOSTILE[1]),
                                             ("atout", "Refusée ensuite"), ("question", "En attente")])]
    for cid in ids[:2]:
        repo.moderate(cid, "approuver", 1, "m", "editor")
    repo.moderate(ids[2], "rejeter", 1, "m", "editor", motif="hors sujet")

    at.query_params["carte"] = "epci,contributions"
    at.run()
    no_exception(at)
    (couches,) = [m for m in at.multiselect if m.label == "Couches"]
    assert "Contributions des ateliers (2)" in couches.options
    assert couches.value == ["epci", "contributions"]
    (html,) = _maps(at)  # a point layer: the folium map, not the fast one
    assert "Contributions : Id" in html and "Contributions : Probl" in html  # the layer control
    assert '"Idée (1)' in html.replace("\\", "") and '"Problème (1)' in html.replace("\\", "")
    # entity-escaped before the JSON of the script: shown as text in tooltips and popups
    assert r"\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
    assert r"\\u0026#123;\\u0026#123; 7*7 \\u0026#125;\\u0026#125;" in html and "{{ 7*7 }}" not in html
    assert "Refusée ensuite" not in html and "En attente" not in html
    assert "Contributions des participants aux ateliers, après modération" in texts(at)
    db.dispose_all()
