"""Records from outside: reading files (reader), the rules every value passes (rules), the record models
(inquiries, customers, blocks, via validate) and the one error shape (errors)."""
