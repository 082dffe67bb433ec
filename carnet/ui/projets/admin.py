"""The administration tab: accounts, roles and the audit trail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carnet import auth as roles
from carnet.projets.errors import ProjetError
from carnet.ui import auth
from carnet.ui.plain import md


def accounts_frames(users: dict, oidc_roles: dict,
                    min_iterations: int = roles.MIN_ITERATIONS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts and OIDC roles from the secrets, for display (never a hash or password).

    Parameters
    ----------
    users : dict
        ``secrets["carnet"]["users"]``: name → {password_hash, role}.
    oidc_roles : dict
        ``secrets["carnet"]["oidc_roles"]``: e-mail → role.
    min_iterations : int
        Hashes below this are shown as refused (``[carnet.auth] min_iterations``).
    """
    def password_state(name, entry) -> str:
        if not roles.valid_username(str(name)):
            return "identifiant invalide : connexion impossible (" + roles.USERNAME_RULE + ")"
        return roles.password_state(entry if hasattr(entry, "keys") else {}, min_iterations)

    def role_label(role) -> str:
        role = str(role or "viewer")
        known = roles.normalize_role(role)
        return roles.ROLES[known] if known else f"{role} (inconnu : traité comme Lecteur)"

    accounts = pd.DataFrame(
        [{"Identifiant": str(name), "Rôle": role_label((dict(e) if hasattr(e, "keys") else {})
                                                       .get("role")),
          "Mot de passe": password_state(name, e)} for name, e in sorted(users.items())],
        columns=["Identifiant", "Rôle", "Mot de passe"])
    oidc = pd.DataFrame([{"Adresse électronique": str(k), "Rôle": role_label(v)}
                         for k, v in sorted(oidc_roles.items())],
                        columns=["Adresse électronique", "Rôle"])
    return accounts, oidc


def admin_section(repo, user: str) -> None:
    """Administrators: accounts and roles (read-only, from the secrets), illustrative purge."""
    st.subheader("Comptes et rôles")
    st.caption("Lecture seule : les comptes se déclarent dans .streamlit/secrets.toml "
               "(mots de passe hachés avec « python -m carnet.auth »). Lecteur : "
               "consulter et exporter ; Éditeur : saisir, modifier, supprimer, importer ; "
               "Administrateur : en plus, cette page.")
    try:
        minimum = auth.policy().min_iterations
    except ProjetError as exc:
        st.error(str(exc))
        minimum = roles.MIN_ITERATIONS
    accounts, oidc = accounts_frames(auth.secrets_section("users"), auth.secrets_section("oidc_roles"),
                                     minimum)
    if accounts.empty:
        st.info("Aucun compte déclaré : tout le monde consulte en lecture seule.")
    else:
        st.dataframe(accounts, hide_index=True)
    if not oidc.empty:
        st.markdown("**Connexion par le fournisseur d'identité (OIDC)**")
        st.dataframe(oidc, hide_index=True)
    auth.logins_admin_section(user)
    st.subheader("Projets illustratifs")
    pack = repo.ctx.pack_id
    n = int(repo.dataframe(pack)["illustratif"].sum())
    st.caption(f"{n} projet(s) illustratif(s) dans le registre « {pack} ».")
    if n:
        sure = st.checkbox("Je confirme la suppression de tous les projets illustratifs "
                           "(réversible projet par projet depuis l'historique)")
        if st.button("Supprimer les projets illustratifs", disabled=not sure):
            try:
                done = repo.purge_illustrative(pack, user)
                st.success(f"{done} projet(s) illustratif(s) supprimé(s).")
            except ProjetError as exc:
                st.error(md(exc))
