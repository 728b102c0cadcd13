"""Figures computed from the store with the filter as parameterised SQL: key figures, timeline, casualties."""
