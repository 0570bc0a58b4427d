"""The one error type the counter raises for bad input or a refused action."""


class CounterError(Exception):
    """A refusal an officer can read: a Vietnamese message, optionally an English one."""

    def __init__(self, message: str, english: str | None = None):
        super().__init__(message)
        self.message = message
        self.english = english

    def __str__(self) -> str:
        if self.english:
            return f"{self.message} ({self.english})"
        return self.message
