"""Pieces every screen shares: dialogs, the keys and their help, tables, worker errors."""
