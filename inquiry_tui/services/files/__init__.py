"""Files: the content-addressed file store beside the store, and attachments on messages."""
