"""Streamlit glue of the atlas: URL state, cached data and maps, shared widgets.

The only part of ``carnet`` that imports streamlit.
"""
