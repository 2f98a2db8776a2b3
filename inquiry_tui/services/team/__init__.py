"""The team: accounts, the dashboard's figures and reply-rate cache, and the audit log viewer."""
