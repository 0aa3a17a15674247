"""Unit tests: one layer of autobe_core at a time (spec, generate, graph, build, verify,
history, store, importer, planning), with real parts (SQLite, mypy) where a layer has them."""
