"""Domain operations: plain functions the views and the CLI call (accounts, the audit
log, moderation, tags, slugs, sanitising, search, the dashboard's numbers)."""
