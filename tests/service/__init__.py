"""Service tests: use cases through ProjectService (history, incremental builds, crashes,
concurrency, planned requests), on in-memory or real storage."""
