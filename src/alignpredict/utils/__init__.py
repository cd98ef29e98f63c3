"""Small shared helpers (atomic file writes, user-facing errors)."""
