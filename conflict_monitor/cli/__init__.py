"""The command line, `python -m conflict_monitor COMMAND`: one module per command group."""
