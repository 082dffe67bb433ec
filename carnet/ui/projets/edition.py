"""Editing a project in the "Plan d'actions" page: form, fiche, delete/undo, conflicts.

An edit starts from the version the editor opened (kept in the session, ``BASE_KEY``)
and is submitted against it, so a save by someone else in the meantime is a conflict,
never a silent overwrite nor a silent loss: the editor sees both versions side by side,
keeps their input and re-applies it in one click (only the fields they changed). A
project deleted meanwhile gives a French message (and a way to restore it with the
editor's input); no action on a missing project raises on the page.

Data strings reach the browser only as text: st.dataframe, ``carnet.ui.plain.table`` and
messages escaped with ``carnet.ui.plain.md`` (nothing read as Markdown or HTML).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carnet import auth as roles
from carnet.projets import conflicts
from carnet.projets.constants import CATEGORIES, MODES, NATURES, STATUTS
from carnet.projets.errors import (
    ConflictError,
    DeletedError,
    NotFoundError,
    PermissionDenied,
    ProjetError,
)
from carnet.projets.fields import champ
from carnet.projets.orientations import orientations
from carnet.projets.views import NON_RENSEIGNE, fiche
from carnet.ui import plain
from carnet.ui.plain import md

EDIT_KEY = "projets_edit"  # id of the project open in the form (None: new project)
BASE_KEY = "projets_edit_base"  # the version the editor started from (a snapshot)
CONFLICT_KEY = "projets_conflict"  # a failed save: conflict or deleted meanwhile
UNDO_KEY = "projets_undo"
FICHE_KEY = "projets_fiche_shown"  # the project whose fiche was last shown
FLASH_KEY = "projets_flash"
from carnet.ui.projets.words import CHOISIR  # noqa: E402

_HOW_KEEP, _HOW_COMMUNE, _HOW_CLICK, _HOW_XY, _HOW_NONE = (
    "Position actuelle", "Commune (centre)", "Clic sur la carte", "Coordonnées", "À localiser")


# ------------------------------------------------------------------------------ flash
def flash(message: str, kind: str = "success") -> None:
    """Rerun the page so that map, table and dashboard show the change, then say it.

    Parameters
    ----------
    message : str
        French message, shown once at the top of the page after the rerun.
    kind : str
        ``success``, ``info`` or ``warning``.
    """
    st.session_state[FLASH_KEY] = (kind, message)
    st.rerun()


def show_flash() -> None:
    """Show (once) the message left by :func:`flash` (built with its data already escaped)."""
    item = st.session_state.pop(FLASH_KEY, None)
    if not item:
        return
    kind, message = item if isinstance(item, tuple | list) else ("success", item)
    if kind == "warning":
        st.warning(message, icon=":material/warning:")
    elif kind == "info":
        st.info(message, icon=":material/info:")
    else:
        st.success(message, icon=":material/check_circle:")


# ------------------------------------------------------------------------ edit state
def start_edit(projet: dict) -> None:
    """Open ``projet`` in the form; the edit will be submitted against this version."""
    st.session_state[EDIT_KEY] = projet["id"]
    st.session_state[BASE_KEY] = dict(projet)
    st.session_state.pop(CONFLICT_KEY, None)


def close_edit() -> None:
    """Close the form (back to "Nouveau projet"), forgetting the base and any conflict."""
    st.session_state[EDIT_KEY] = None
    st.session_state.pop(BASE_KEY, None)
    st.session_state.pop(CONFLICT_KEY, None)


def _base(repo, edit_id: int) -> dict | None:
    """The version the edit started from (read once, then kept in the session)."""
    base = st.session_state.get(BASE_KEY)
    if base is not None and base.get("id") == edit_id:
        return base
    try:
        base = repo.get(edit_id)
    except NotFoundError as exc:
        close_edit()
        st.warning(md(_deleted_text(exc, edit_id) + " : il ne peut plus être modifié."),
                   icon=":material/delete:")
        return None
    st.session_state[BASE_KEY] = base
    return base


def _deleted_text(exc: NotFoundError, pid: int) -> str:
    if isinstance(exc, DeletedError):
        return conflicts.deleted_message(exc.projet)
    return f"Le projet n°{pid} n'existe plus"


def fiche_picker(repo, titles: dict[int, str], user: str, role: str) -> None:
    """"Fiche du projet" selector and the chosen project's fiche.

    A project deleted (by anyone) while its fiche is shown gives a French message at the
    next interaction, instead of a fiche that silently vanishes or a traceback.
    """
    pid = st.selectbox("Fiche du projet", [None, *titles], placeholder=CHOISIR,
                       key="projets_fiche",
                       format_func=lambda i: "—" if i is None else
                       f"n°{i} — {str(titles.get(i, ''))[:80]}")
    shown = st.session_state.get(FICHE_KEY)
    if pid is None and shown is not None and shown not in titles:
        st.session_state[FICHE_KEY] = None
        try:
            repo.get(shown)
        except NotFoundError as exc:
            if st.session_state.get(UNDO_KEY) != shown:  # not the user's own deletion
                st.warning(md(_deleted_text(exc, shown) + " : sa fiche n'est plus disponible."),
                           icon=":material/delete:")
        return
    pid = None if pid is None else int(pid)  # numpy integers: not a database key
    st.session_state[FICHE_KEY] = pid
    projet = open_project(repo, pid) if pid is not None else None
    if projet is not None:
        fiche_section(repo, projet, user, role)


def open_project(repo, pid: int) -> dict | None:
    """The project to show in the fiche, or None with a French message if it is gone."""
    try:
        return repo.get(pid)
    except NotFoundError as exc:
        st.warning(md(_deleted_text(exc, pid) + " : sa fiche n'est plus disponible."),
                   icon=":material/delete:")
        return None


# ----------------------------------------------------------------------------- edit tab
def edit_tab(repo, user: str, clicked: tuple[float, float] | None, territoire: str | None = None
             ) -> None:
    """The "Saisie" tab of an editor: conflict or deletion notice, then the form (a new
    project starts in ``territoire``, the one the page is filtered on)."""
    edit_id = st.session_state.get(EDIT_KEY)
    failed = st.session_state.get(CONFLICT_KEY)
    if failed and failed.get("id") != edit_id:
        st.session_state.pop(CONFLICT_KEY, None)
        failed = None
    if failed and failed["kind"] == "deleted":
        deleted_view(repo, user, failed)
        return
    base = _base(repo, edit_id) if edit_id is not None else None
    st.subheader(f"Modifier le projet n°{edit_id}" if base else "Nouveau projet")
    if base and st.button("Abandonner la modification", key="projets_edit_abandon"):
        close_edit()
        st.rerun()
    if failed:
        conflict_view(repo, user, failed)
    elif base:
        _live_notice(repo, base)
    project_form(repo, user, base, clicked, territoire)


def _live_notice(repo, base: dict) -> None:
    """Warn, before saving, that the project changed or vanished since it was opened."""
    try:
        live = repo.get(base["id"], include_deleted=True)
    except NotFoundError:
        live = {**base, "deleted_at": "", "deleted_by": None}
    if live.get("deleted_at") is not None:
        st.warning(md(conflicts.deleted_message(live) + " pendant votre saisie. Votre saisie "
                   "reste dans le formulaire : « Enregistrer » vous proposera de le restaurer "
                   "avec vos modifications."), icon=":material/delete:")
    elif live["version"] != base["version"]:
        st.info(md(f"{live.get('updated_by') or 'Un autre éditeur'} a enregistré ce projet "
                f"le {conflicts.fmt_moment(live.get('updated_at'))} (version "
                f"{live['version']}) depuis que vous l'avez ouvert : à l'enregistrement, vous "
                "comparerez les deux versions et réappliquerez vos modifications en un clic."),
                icon=":material/group:")


def _frame_table(frame: pd.DataFrame) -> None:
    """A small frame as a wrapping plain-text table (first column as row headers)."""
    plain.table(frame.astype(str).values.tolist(), header=list(frame.columns),
                css_class="carnet-conflit")


def conflict_view(repo, user: str, c: dict) -> None:
    """Both versions side by side, the editor's input kept, one click to re-apply it."""
    base, mine, theirs, changes = c["base"], c["mine"], c["theirs"], c["changes"]
    who = theirs.get("updated_by") or "un autre éditeur"
    pid, version = theirs["id"], theirs["version"]
    st.error(md(f"Conflit : pendant votre saisie, {who} a enregistré le projet n°{pid} le "
             f"{conflicts.fmt_moment(theirs.get('updated_at'))} (version {version}). Rien "
             "n'a été écrasé et votre saisie est conservée (ci-dessous et dans le "
             "formulaire) : comparez, puis réappliquez vos modifications sur sa version."),
             icon=":material/call_split:")
    merged, problem = None, None
    try:
        merged = {**theirs, **repo.validate({**conflicts.editable(theirs), **changes})}
    except ProjetError as exc:
        problem = str(exc)
    # a static table: every column visible and wrapped at 1024 px (plain text, escaped)
    _frame_table(conflicts.comparison(base, mine, theirs, merged, repo.ctx, who))
    if problem:
        st.warning(md(f"Vos modifications ne peuvent pas être réappliquées telles quelles sur "
                   f"la version {version} : {problem}"))
    if not changes:
        st.info(md("Votre saisie ne modifiait aucun champ : rien à réappliquer."))
    c1, c2 = st.columns(2)
    if c1.button("Réappliquer mes modifications", type="primary", key="projets_reapply",
                 disabled=bool(problem) or not changes,
                 help=f"Enregistre les champs que vous avez modifiés sur la version {version} "
                      f"de {who} (colonne « Si vous réappliquez »)."):
        _save_changes(repo, user, c, theirs["version"])
    if c2.button("Garder la version enregistrée", key="projets_keep_theirs",
                 help="Abandonne votre saisie ; le projet reste tel que " + who
                      + " l'a enregistré."):
        close_edit()
        flash(md(f"Votre saisie est abandonnée : le projet n°{pid} reste dans la version "
              f"{version} de {who}."), "info")


def deleted_view(repo, user: str, c: dict) -> None:
    """The project was deleted while it was being edited: say so, keep the input."""
    theirs, changes = c["theirs"], c["changes"]
    pid = theirs["id"]
    st.subheader(f"Modifier le projet n°{pid}")
    st.error(md(conflicts.deleted_message(theirs) + " pendant votre saisie : vos modifications "
             "n'ont pas été enregistrées. Les voici ; vous pouvez restaurer le projet avec "
             "elles, ou fermer."), icon=":material/delete:")
    table = conflicts.changes_table(c["base"], c["mine"], repo.ctx)
    if table.empty:
        st.info(md("Votre saisie ne modifiait aucun champ."))
    else:
        _frame_table(table)
    c1, c2 = st.columns(2)
    label = ("Restaurer le projet et appliquer mes modifications" if changes
             else "Restaurer le projet")
    if c1.button(label, type="primary", key="projets_restore_apply"):
        try:
            repo.validate({**conflicts.editable(theirs), **changes})
            restored = repo.restore(pid, user)
        except ProjetError as exc:
            st.error(md(exc))
            return
        if changes:
            _save_changes(repo, user, {**c, "theirs": restored}, restored["version"])
        close_edit()
        flash(md(f"Projet n°{pid} restauré."))
    if c2.button("Fermer", key="projets_deleted_close"):
        close_edit()
        st.rerun()


def _save_changes(repo, user: str, c: dict, version: int) -> None:
    """Write the editor's changes on ``version``; a new conflict/deletion updates the view."""
    pid = c["id"]
    saved = _update(repo, user, c, lambda: repo.update(pid, c["changes"], version, user))
    if saved is _FAILED:
        return
    close_edit()
    flash(md(f"Vos modifications sont enregistrées : projet n°{pid}, version {saved['version']}."))


_FAILED = object()


def _update(repo, user: str, c: dict, write):
    """Run ``write()``; a conflict or a deletion meanwhile reruns into its view (input kept).

    Returns what ``write`` returned, or ``_FAILED`` after showing a French message.
    """
    try:
        return write()
    except ConflictError as exc:
        st.session_state[CONFLICT_KEY] = {**c, "kind": "conflict", "theirs": exc.theirs}
        st.rerun()
    except DeletedError as exc:
        st.session_state[CONFLICT_KEY] = {**c, "kind": "deleted", "theirs": exc.projet}
        st.rerun()
    except ProjetError as exc:
        st.error(md(exc))
    return _FAILED


# --------------------------------------------------------------------------------- form
def project_form(repo, user: str, projet: dict | None,
                 clicked: tuple[float, float] | None, territoire: str | None = None) -> None:
    """Create (``projet`` None) or edit a project from version ``projet``.

    A new project's contract starts as ``territoire`` (the page's filter, when it is one
    territory); an edited one keeps its own.

    The save sends only the fields the editor changed, against the version they opened:
    a concurrent save or deletion becomes a conflict/deletion notice (see
    :func:`conflict_view`), with the editor's input kept.
    """
    ctx = repo.ctx
    p = projet or {}
    key = f"form_{p.get('id', 'new')}_{p.get('version', 0)}"
    codes = sorted(ctx.by_code, key=lambda c: ctx.by_code[c].get("nom", ""))

    def sel(label, vocab, name, required=False, start=None):
        # A required choice (catégorie) starts empty on a new project: no silent default.
        opts = ([] if required else [None]) + list(vocab)
        cur = p.get(name) if p.get(name) in vocab else None
        if projet is None and start in vocab:
            cur = start  # a new form starts in the page's territory (then the widget keeps its pick)
        return st.selectbox(label, opts, index=None if cur is None and required else opts.index(cur),
                            placeholder=CHOISIR, format_func=lambda k: vocab.get(k, NON_RENSEIGNE) if k
                            else NON_RENSEIGNE, key=f"{key}_{name}")

    def text(name, area=False):
        # label and longest value from the fields table (carnet/data/champs_projets.toml)
        widget = st.text_area if area else st.text_input
        spec = champ(name)
        return widget(spec.form_label, p.get(name) or "", key=f"{key}_{name}",
                      **({"max_chars": spec.longueur} if spec.longueur else {}))

    # Editing keeps the stored location unless the editor picks another way to locate.
    hows = [_HOW_COMMUNE, _HOW_CLICK, _HOW_XY, _HOW_NONE]
    default = 0
    if projet and p.get("lon") is not None:
        hows.insert(0, _HOW_KEEP)
    elif projet and p.get("commune"):
        default = hows.index(_HOW_NONE)  # a project left "à localiser" stays so
    from carnet.ui.projets.carte import new_map_click

    clicked = new_map_click(key, clicked)  # a click made while the form is open
    preset = st.session_state.get(f"{key}_how") in hows  # set by a map click, say
    how = st.radio("Localisation", hows, horizontal=True, key=f"{key}_how",
                   **({} if preset else {"index": default}))
    with st.form(key):
        raw = {"titre": text("titre"), "description": text("description", area=True)}
        raw["territoire"] = sel(champ("territoire").form_label, ctx.territoires, "territoire",
                                start=territoire)
        com = p.get("commune") if p.get("commune") in ctx.by_code else None
        raw["commune"] = st.selectbox(
            champ("commune").form_label, [None, *codes], index=([None, *codes]).index(com),
            placeholder=CHOISIR,
            format_func=lambda c: f"{ctx.by_code[c].get('nom')} ({c})" if c else "—",
            key=f"{key}_commune")
        x = st.text_input("X ou longitude", key=f"{key}_x")
        y = st.text_input("Y ou latitude", key=f"{key}_y")
        crs = st.selectbox("Système", ["EPSG:4326", "EPSG:2154"], key=f"{key}_crs",
                           placeholder=CHOISIR,
                           format_func={"EPSG:4326": "WGS84 (degrés)",
                                        "EPSG:2154": "Lambert-93 (mètres)"}.get)
        if clicked:
            from carnet.projets.views import fmt_coordinates

            st.caption(f"Point cliqué sur la carte : {fmt_coordinates(*clicked)} — choisissez "
                       "« Clic sur la carte » ci-dessus pour l'enregistrer (choisi automatiquement "
                       "après un clic).")
        elif how == _HOW_CLICK:
            st.caption("Cliquez l'emplacement du projet sur la carte (onglet « Carte »), puis "
                       "revenez ici pour enregistrer.")
        for name, vocab in (("orientation", orientations(ctx.pack_id).labels),
                            ("categorie", CATEGORIES), ("nature", NATURES), ("mode", MODES),
                            ("statut", STATUTS)):
            if vocab:  # a pack without orientations has no orientation to choose
                raw[name] = sel(champ(name).form_label, vocab, name, required=name == "categorie")
        for name in ("enjeu", "maitre_ouvrage", "partenaires"):
            raw[name] = text(name)
        for name in ("cout_total", "participation_cd", "annee_debut", "annee_fin"):
            raw[name] = st.text_input(champ(name).form_label, _num(p.get(name)),
                                      key=f"{key}_{name}")
        raw["source"] = text("source")
        submitted = st.form_submit_button("Enregistrer")
    if not submitted:
        return
    if raw["categorie"] is None:  # required, and never defaulted (issue #9)
        missing = ([] if str(raw["titre"] or "").strip() else ["titre manquant"])
        st.error(md("Projet non enregistré : " + " ; ".join(
            [*missing, "choisissez sa catégorie (champ « Catégorie »)"]) + "."))
        return
    raw["lon"] = raw["lat"] = None
    if how == _HOW_KEEP or (how == _HOW_CLICK and not clicked and p.get("lon") is not None):
        raw["lon"], raw["lat"] = p["lon"], p["lat"]  # no new click: keep the stored point
    elif how == _HOW_CLICK and clicked:
        raw["lon"], raw["lat"] = clicked
    elif how == _HOW_XY:
        raw.update(x=x, y=y, crs=crs)
    elif how == _HOW_NONE:
        raw["localiser_commune"] = False
    if projet is None:
        raw["illustratif"] = False
        try:
            saved = repo.create(raw, user)
        except ProjetError as exc:
            st.error(md(exc))
            return
        flash(md(f"Projet n°{saved['id']} enregistré (version {saved['version']})."))
    _submit_edit(repo, user, projet, raw)


def _submit_edit(repo, user: str, base: dict, raw: dict) -> None:
    """Save the editor's changes to ``base`` (only those), against ``base``'s version."""
    pid = base["id"]
    try:
        clean = repo.validate({**conflicts.editable(base), **raw})
    except ProjetError as exc:
        st.error(md(exc))
        return
    changes = conflicts.changed_fields(base, clean)
    c = {"id": pid, "base": base, "mine": {**base, **clean}, "changes": changes}
    def write():
        if changes:
            return repo.update(pid, changes, base["version"], user)
        repo.get(pid)  # nothing to write; but say so if the project is gone
        return None

    saved = _update(repo, user, c, write)
    if saved is _FAILED:
        return
    close_edit()
    if saved is None:
        flash(md(f"Aucune modification : le projet n°{pid} est inchangé."), "info")
    else:
        flash(md(f"Projet n°{pid} enregistré (version {saved['version']})."))


def _num(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(int(v)) if float(v).is_integer() else str(v).replace(".", ",")


# ------------------------------------------------------------------------ fiche / delete
def fiche_section(repo, projet: dict, user: str, role: str) -> None:
    """A project's fiche (plain table), history, and edit/delete buttons for editors."""
    plain.table(fiche(projet, repo.ctx), css_class="carnet-fiche")  # text, never Markdown
    pid = projet["id"]
    if roles.can(role, "edit"):
        c1, c2 = st.columns(2)
        if c1.button("Modifier", key=f"edit_{pid}"):
            start_edit(projet)
            st.info(md(f"Le projet n°{pid} est ouvert dans l'onglet « Saisie »."),
                    icon=":material/edit:")
        if c2.button("Supprimer", key=f"del_{pid}"):
            _delete(repo, projet, user)
    with st.expander("Historique des modifications"):
        hist = pd.DataFrame(repo.history(pid))
        if not hist.empty:
            hist["at"] = hist["at"].map(conflicts.fmt_moment)
            st.dataframe(hist[["at", "user", "action"]].rename(columns={
                "at": "Date", "user": "Par", "action": "Action"}), hide_index=True)


def _delete(repo, projet: dict, user: str) -> None:
    pid = projet["id"]
    try:
        repo.delete(pid, user, projet["version"])
    except ConflictError as exc:
        st.error(md(f"Suppression non faite : {exc.theirs.get('updated_by') or 'un autre éditeur'}"
                 f" a modifié le projet n°{pid} le "
                 f"{conflicts.fmt_moment(exc.theirs.get('updated_at'))} ; relisez sa fiche."))
        return
    except NotFoundError as exc:
        st.warning(md(_deleted_text(exc, pid) + "."), icon=":material/delete:")
        return
    except ProjetError as exc:
        st.error(md(exc))
        return
    if st.session_state.get(EDIT_KEY) == pid:
        close_edit()  # the form was open on it: nothing left to edit
    st.session_state[UNDO_KEY] = pid
    flash(md(f"Projet n°{pid} supprimé (« Annuler la suppression » le rétablit)."))


def undo_bar(repo, user: str) -> None:
    """"Annuler la suppression" after a soft delete."""
    pid = st.session_state.get(UNDO_KEY)
    if pid and st.button(f"↩ Annuler la suppression du projet n°{pid}", key="projets_undo_btn"):
        st.session_state[UNDO_KEY] = None
        try:
            repo.restore(pid, user)
        except PermissionDenied as exc:
            st.error(md(exc))
            return
        except ProjetError as exc:  # restored by someone else meanwhile, say
            st.warning(md(exc), icon=":material/undo:")
            return
        flash(md(f"Suppression annulée : le projet n°{pid} est rétabli."))
