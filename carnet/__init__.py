"""Carnet de Territoire: territorial atlas and contract tracker.

The core package never imports streamlit; only :mod:`carnet.ui` does.
"""

__version__ = "0.1.0"
