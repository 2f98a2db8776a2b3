"""The hot SQL of the store: reads that must stay fast at a million inquiries."""
