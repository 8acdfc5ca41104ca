"""A private PostgreSQL cluster in .local/ (see scripts/devdb.py, its command line)."""
