"""The inbox: folder lists and search, one thread, triage actions, reply templates and export."""
