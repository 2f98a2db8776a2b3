"""Deals: contract templates, letters of intent, orders, their documents (PDF and text) and the buyers' trade."""
