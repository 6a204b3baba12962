"""What every layer may use: the caches, database settings, row ids, atomic file writes."""
