"""Use cases: one function per user action, one transaction each; they return frozen dataclasses."""
