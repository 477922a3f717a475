"""Shared Streamlit widgets. The only package of the library that imports Streamlit."""

from pathlib import Path

#: The portal's tab icon, served by the portal itself (a ``:material/…:`` icon would be fetched from a font CDN).
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
