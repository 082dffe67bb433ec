"""Streamlit helpers of the « Contrat » page (issue #10 §2): loader, sections, editors.

``data`` loads the contract (store, else seed) and its projects; ``vue`` draws the
timeline, the governance and the Cadre d'Action Stratégique; ``edition`` holds the
editors' forms. ``besoins`` and ``evaluation`` (other pages' helpers) live beside them.
"""
