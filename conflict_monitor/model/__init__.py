"""The event model every capability shares.

Schema and vocabularies, the filter, canonical actors, victim groups, safe text.
"""
