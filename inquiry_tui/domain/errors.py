"""Errors the domain and the layers above raise for users to read (one clear line each)."""


class InquiryError(Exception):
    """Base of every error meant to be shown to a user as one line (never a traceback)."""


class ValidationError(InquiryError):
    """A value given by a user or a file is not acceptable; the message says what is allowed."""


class NotFound(InquiryError):
    """A named thing (account, SKU, inquiry, buyer) does not exist."""


class PermissionDenied(InquiryError):
    """The acting account's role does not allow this action."""


class StaleWrite(InquiryError):
    """Someone else changed the row since it was read; the caller reloads."""

    def __init__(self, what: str = "This item", by: str = "") -> None:
        who = by or "someone else"  # e.g. "ben at 10:42 (reassigned to cara)"
        super().__init__(f"{what} was changed by {who}; reloaded, please try again.")


class AccountDeactivated(PermissionDenied):
    """The acting account was deactivated (perhaps while this session was open); nothing more is done as it."""

    def __init__(self, login: str, by: str | None = None, at: str | None = None) -> None:
        self.login, self.by, self.at = login, by, at
        who = f" by {by}" if by else ""
        when = f" on {at}" if at else ""
        super().__init__(f"your account ({login}) was deactivated{who}{when}; nothing was changed")
