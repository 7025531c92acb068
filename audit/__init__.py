"""The audit trail: who did what, for which organisation, when, and what changed (old -> new).

Every service that writes records one entry in its own transaction (`record`), so an entry
exists exactly when the change was committed. Entries are append-only."""
