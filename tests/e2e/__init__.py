"""End-to-end tests: the autobe CLI, imported AutoBe projects and random specs, each
generated backend checked by mypy --strict and its own pytest suite."""
