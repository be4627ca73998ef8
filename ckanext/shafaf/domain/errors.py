"""The one error type of the domain layer.

A bad value is reported to Persian-speaking staff and to English-reading
developers alike, so the error carries both messages plus a short machine
code that callers (tests, row reports) can match without parsing text.
"""
from __future__ import annotations


class DomainError(ValueError):
    """A value that breaks a domain rule; ``str(e)`` is "<fa> / <en>"."""

    def __init__(self, fa: str, en: str, code: str) -> None:
        self.fa = fa
        self.en = en
        self.code = code
        super().__init__(f"{fa} / {en}")

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        # Keeps the three attributes when the error crosses a process
        # boundary (background jobs pickle exceptions).
        return (type(self), (self.fa, self.en, self.code))
