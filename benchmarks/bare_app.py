"""Streamlit's floor: one text input that writes a heading back (benchmarks/first_answer.py)."""

import streamlit as st

name = st.text_input("Your name", max_chars=60)
if name:
    st.header(f"Hello {name}", anchor=False)
