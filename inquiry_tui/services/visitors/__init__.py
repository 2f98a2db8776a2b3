"""Visitor details (the marketplace's "Data Manager"): every visitor of the store, customer or not (listing),
and the per-visitor summary kept on write (summary). See docs/domain.md, Visitor details."""
