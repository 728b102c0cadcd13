"""The event store.

The interface (base), opening one (factory), the DuckDB and PostgreSQL backends, their shared
SQL, seeding from the shipped data, and incident linking and upkeep.
"""
