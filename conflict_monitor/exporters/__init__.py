"""Exports of event tables: CSV and GeoJSON."""
