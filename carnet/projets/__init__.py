"""Action-plan projects registry (issue #4).

Core modules of this package never import streamlit; Streamlit helpers live in
``carnet/ui/projets/`` and the page in ``pages/plan_actions.py``.
"""
