"""Pieces every screen shares: dialogs, the keys help, tables and the hand-back from workers."""
