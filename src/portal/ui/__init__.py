"""Shared Streamlit widgets of the portal (the only library package that imports streamlit)."""
