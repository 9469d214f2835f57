"""Waymark's Streamlit app: pages, shared rendering, maps and the quick exit.

The pages gather input and render results; every answer comes from ``services`` and
``pathways``.
"""
