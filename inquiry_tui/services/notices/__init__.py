"""Notices ("push information"): one feed per account, written by every feature through `notify`."""
