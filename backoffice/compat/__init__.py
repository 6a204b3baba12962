"""The one place where the project reaches into its libraries' internals.

Each module here names the library it adapts, says why, and is pinned by a contract test
(``tests/test_compat.py``) that fails when an upgrade changes what it relies on.
"""
