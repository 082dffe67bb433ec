"""The ateliers repository on SQLite and PostGIS: submission rules, moderation, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from shapely.geometry import box
from sqlalchemy import text

from carnet.ateliers import approved
from carnet.ateliers.limits import ContributionRefusee
from carnet.ateliers.repository import CODE_ALPHABET, AtelierIntrouvable, ModerationConflict
from carnet.errors import CarnetError, PermissionDenied, UnknownKeyError
from tests.ateliers.conftest import HOSTILE, TOKEN

CAMBRAI = (3.235, 50.175)


def _send(repo, atelier, texte, token=TOKEN, now=None, **kw):
    return repo.submit(atelier["code"], kw.pop("categorie", "idee"), texte, *CAMBRAI, token,
                       now=now, **kw)


def test_open_needs_moderate_and_gives_a_short_code(repo):
    today = date.today()
    with pytest.raises(PermissionDenied):
        repo.open_atelier("nord", "cambresis", "A", today, today, "paul", "viewer")
    a = repo.open_atelier("nord", "cambresis", "  Atelier  ", today, today, "marie", "editor")
    assert len(a["code"]) == 6 and set(a["code"]) <= set(CODE_ALPHABET)
    assert a["titre"] == "Atelier" and a["created_by"] == "marie"
    assert repo.atelier(a["code"].lower())["id"] == a["id"]
    assert repo.atelier(" " + a["code"][:3] + "-" + a["code"][3:])["id"] == a["id"]
    with pytest.raises(AtelierIntrouvable, match="Aucun atelier n'a le code « zzz »"):
        repo.atelier("zzz")
    with pytest.raises(CarnetError, match="la fin .* précède le début"):
        repo.open_atelier("nord", "cambresis", "B", today, today - timedelta(days=1), "m",
                          "editor")
    with pytest.raises(CarnetError, match="(?i)territoire"):
        repo.open_atelier("nord", "atlantide", "B", today, today, "m", "editor")


def test_submission_waits_in_the_queue_and_stores_raw_text_and_hashed_session(repo, atelier,
                                                                              engine):
    envoi = _send(repo, atelier, HOSTILE[0], pseudonyme=HOSTILE[1], categorie="probleme")
    c = envoi.contribution
    assert envoi.avertissement is None
    assert c["statut"] == "en_attente" and c["texte"] == "<img src=x onerror=alert(1)>"
    assert c["pseudonyme"] == "{{ 7*7 }}" and c["categorie_libelle"] == "Problème"
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT texte, session_hash FROM contribution")).one()
    import hashlib

    assert stored[0] == HOSTILE[0]
    assert stored[1] == hashlib.sha256(TOKEN.encode()).hexdigest() and TOKEN not in stored[1]
    assert [r["id"] for r in repo.queue(atelier["id"])] == [c["id"]]
    assert approved(engine, "nord", "cambresis") == []
    assert repo.history(c["id"])[0]["action"] == "soumission"


def test_limits_warn_from_the_fifth_and_refuse_the_eleventh_within_an_hour(repo, atelier):
    a = dict(atelier)  # open from yesterday to tomorrow: submissions are dated today
    t0 = datetime.combine(date.today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
    warnings = []
    for i in range(10):
        e = _send(repo, a, f"Proposition numéro {i} pour la gare", now=t0 + timedelta(
            minutes=5 * i))
        warnings.append(e.avertissement)
    assert warnings[:4] == [None] * 4
    assert all(w and "Vous avez envoyé" in w for w in warnings[4:])
    assert "5 contributions en moins d'une heure" in warnings[4]
    with pytest.raises(ContributionRefusee) as exc:
        _send(repo, a, "Onzième proposition", now=t0 + timedelta(minutes=50))
    msg = str(exc.value)
    assert msg.startswith("Contribution refusée : 10 contributions ont déjà été envoyées")
    assert "à partir du" in msg
    # another session is not limited; the same one is again an hour after its first send
    assert _send(repo, a, "Autre navigateur", token="u" * 32,
                 now=t0 + timedelta(minutes=51)).contribution["id"]
    assert _send(repo, a, "Une heure plus tard", now=t0 + timedelta(minutes=61)).contribution


def test_repeats_links_lengths_and_categories_are_refused(repo, atelier):
    _send(repo, atelier, "Un parking vélo à la gare")
    with pytest.raises(ContributionRefusee, match="déjà été envoyée"):
        _send(repo, atelier, "  un PARKING   vélo à la gare ", token="v" * 32)
    for linked in ("Voir https://exemple.org", "www.exemple.fr", "allez sur exemple.fr/page",
                   "[clic](http://x)", "écrivez à a@b.fr", "javascript:alert(1)"):
        with pytest.raises(ContributionRefusee, match="liens"):
            _send(repo, atelier, linked)
    with pytest.raises(ContributionRefusee, match="Pseudonyme.*liens"):
        _send(repo, atelier, "Texte sans lien", pseudonyme="www.spam.com")
    with pytest.raises(ContributionRefusee, match="501 caractères, au plus 500"):
        _send(repo, atelier, "a" * 501)
    assert len(_send(repo, atelier, "é" * 500).contribution["texte"]) == 500
    with pytest.raises(ContributionRefusee, match="à remplir"):
        _send(repo, atelier, "   ")
    with pytest.raises(ContributionRefusee, match="Valeurs possibles : atout, idee, probleme, "
                                                   "question"):
        _send(repo, atelier, "Texte", categorie="spam")
    with pytest.raises(ContributionRefusee, match="cliquez sur la carte"):
        repo.submit(atelier["code"], "idee", "Sans lieu", None, None, TOKEN)
    with pytest.raises(ContributionRefusee, match="hors du territoire"):
        repo.submit(atelier["code"], "idee", "Loin", 2.35, 48.85, TOKEN,
                    zone=box(3.0, 50.0, 3.6, 50.3))
    assert len(repo.contributions(atelier["id"])) == 2  # nothing else was written


def test_closed_atelier_refuses(repo):
    today = date.today()
    past = repo.open_atelier("nord", "cambresis", "Passé", today - timedelta(days=9),
                             today - timedelta(days=8), "m", "editor")
    with pytest.raises(ContributionRefusee, match="s'est terminé le"):
        _send(repo, past, "Trop tard")


def test_moderation_is_audited_rejection_soft_deletes_and_needs_a_reason(repo, atelier, engine):
    a = _send(repo, atelier, "Une piste cyclable rue de Douai").contribution
    b = _send(repo, atelier, "Acheter des pilules pas chères").contribution
    with pytest.raises(PermissionDenied):
        repo.moderate(a["id"], "approuver", 1, "paul", "viewer")
    with pytest.raises(CarnetError, match="Motif du refus : à remplir"):
        repo.moderate(b["id"], "rejeter", 1, "marie", "editor", motif="  ")
    with pytest.raises(UnknownKeyError, match="approuver, rejeter, remettre"):
        repo.moderate(a["id"], "publier", 1, "marie", "editor")
    ok = repo.moderate(a["id"], "approuver", 1, "marie", "editor")
    assert ok["statut"] == "approuvee" and ok["version"] == 2 and ok["moderated_by"] == "marie"
    with pytest.raises(ModerationConflict, match="modérée par marie"):
        repo.moderate(a["id"], "rejeter", 1, "jean", "editor", motif="doublon")
    ko = repo.moderate(b["id"], "rejeter", 1, "jean", "admin", motif="Publicité")
    assert ko["statut"] == "rejetee" and ko["motif"] == "Publicité"
    assert ko["deleted_by"] == "jean" and ko["deleted_at"] is not None
    with engine.connect() as conn:  # soft delete: the row is still there
        assert conn.execute(text("SELECT count(*) FROM contribution")).scalar() == 2
    assert repo.queue(atelier["id"]) == []
    hist = repo.history(b["id"])
    assert [h["action"] for h in hist] == ["soumission", "rejeter"]
    assert hist[1]["user"] == "jean" and hist[1]["before"]["statut"] == "en_attente"
    assert hist[1]["after"] == {"statut": "rejetee", "motif": "Publicité", "version": 2}
    public = approved(repo, "nord", "cambresis")
    assert [p["texte"] for p in public] == ["Une piste cyclable rue de Douai"]
    assert "session_hash" not in public[0] and public[0]["atelier"] == atelier["code"]
    assert approved(engine, "nord", "metropole-lilloise") == []
    back = repo.moderate(b["id"], "remettre", 2, "jean", "editor")
    assert back["statut"] == "en_attente" and back["deleted_at"] is None
    assert [r["id"] for r in repo.queue(atelier["id"])] == [b["id"]]


def test_queue_shows_spam_signals(repo, atelier):
    t0 = datetime.combine(date.today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    _send(repo, atelier, "Un banc devant la mairie", now=t0)
    _send(repo, atelier, "Un banc, devant la mairie !", token="w" * 32, now=t0)
    _send(repo, atelier, "ok", token="x" * 32, now=t0 + timedelta(minutes=30))
    for i in range(3):
        _send(repo, atelier, f"Rafale de messages {i} identiques", token="y" * 32,
              now=t0 + timedelta(minutes=40, seconds=20 * i))
    flags = {r["texte"]: r["signaux"] for r in repo.queue(atelier["id"])}
    assert flags["Un banc devant la mairie"] == ("repetee",)
    assert flags["Un banc, devant la mairie !"] == ("repetee",)
    assert flags["ok"] == ("courte",)
    assert flags["Rafale de messages 0 identiques"] == ("rafale",)
