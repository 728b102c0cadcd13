"""Territorial control: which side holds each place on any day, derived from territorial
events (captures, ACLED's territorial sub-event types, CAMEO 192 'Occupy territory') and the
sourced reference of control changes, every change with its evidence.

Pure functions on pandas frames; nothing here imports streamlit or touches the store.
"""
