"""validate_event refuses a whole-number field that is not finite with SchemaError (found by
tests/importers/test_sql_import.py's hypothesis test: an ACLED geo_precision cell 'NAN' raised
a bare ValueError, which the import does not report as a bad row)."""

from __future__ import annotations

import pytest

from conflict_monitor.model.schema import SchemaError, validate_event


@pytest.mark.parametrize("cell", ["NAN", "nan", "inf", "-Infinity"])
def test_a_whole_number_field_that_is_not_finite_is_refused(cell):
    row = dict(event_id="e1", event_date="2020-02-27", action="kill", origin="acled",
               source="ACLED", geo_precision=cell)
    with pytest.raises(SchemaError, match="geo_precision"):
        validate_event(row)
