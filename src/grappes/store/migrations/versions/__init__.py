"""One module per migration, oldest first (Alembic reads them by path, not by import)."""
