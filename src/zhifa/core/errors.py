"""Domain errors: every refusal carries a code, a translated message and, for rules of law, the article.

Services raise these; views turn them into form errors or pages, the API into
`{"code", "message", "detail"}` with the status given here. Never a 500 for a user's mistake.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """Base class. `status` is the HTTP status the API answers with."""

    status: int = 400
    code: str = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        detail: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.detail: dict[str, Any] = detail or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


class InvalidInput(DomainError):
    """Malformed or missing input (400)."""

    status = 400
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The object's state does not allow this (409): e.g. a workflow event from the wrong state."""

    status = 409
    code = "conflict"


class RuleViolation(DomainError):
    """A legal gate is not met (422). The message names the rule and its article in Chinese."""

    status = 422
    code = "rule_violation"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        article: str | Promise = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        detail = dict(detail or {})
        if article:
            detail.setdefault("article", str(article))
        super().__init__(message, code=code, detail=detail)
        self.article = article
