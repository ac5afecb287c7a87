"""autofix's migrations: one module per fix, run in id order (see README.md in this folder)."""

AUTOFIX_MIGRATIONS = True
