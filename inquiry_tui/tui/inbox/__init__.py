"""The inbox (`1`): folders, the virtual inquiry list, the thread, search, reply and triage."""
