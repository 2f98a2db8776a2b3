"""E-mail: the Maildir import (maildir, parse, html), the outbox (outbox) and sending it by SMTP (sending), replies with files (reply)."""
