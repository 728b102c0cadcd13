"""Geography: administrative boundaries and point lookups (EPSG:4326), and the one great-circle distance."""
