//! Workspace-level integration tests live in `tests/api/` (one binary).
