"""Arrivals: inquiries and chats coming in, through junk filter, allocation and auto-reply."""
