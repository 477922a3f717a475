"""Insights Portal: a self-hosted customer-insights library and Streamlit app."""

__version__ = "0.1.0"
