"""The naive dashboard a Streamlit tutorial would write, for the benchmark's comparison only.

It reads the whole CSV (path in NAIVE_CSV) with pandas on every rerun and computes the
Overview figures with pandas. Not part of the product.
"""

import os
from pathlib import Path

import streamlit as st

from conflict_monitor.bench.naive import compute_naive_pages
from conflict_monitor.model.filters import EventFilter

figures = compute_naive_pages(Path(os.environ["NAIVE_CSV"]), EventFilter())
st.title("Overview (naive)")
st.metric("Events", figures["overview"]["events"])
st.metric("Fatalities", f"{figures['overview']['low']}–{figures['overview']['high']}")
