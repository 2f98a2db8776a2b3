"""Allocation use cases: manual reassignment, who owns what, the allocation record and the rules preview."""
