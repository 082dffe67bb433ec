"""The contrat de territoire: phases, governance, enjeux → orientations → projets, revoyure."""
