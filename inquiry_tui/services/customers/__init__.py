"""Customers: management, lists, imports, buyer profiles, activity and recommendations."""
