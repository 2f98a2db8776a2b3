"""Customers (`2`): the customer list, profiles, forms and recommendations."""
