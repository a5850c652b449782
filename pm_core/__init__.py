"""Pillars' core: the product's logic over a DuckDB workspace, with no UI (Streamlit is never imported here)."""

__version__ = "0.1.0"
