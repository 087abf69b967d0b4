"""Discord-shaped errors and the violation record.

Every request the emulator refuses because the bot broke a Discord rule is
both answered with Discord's error body and appended to
``Emulator.violations`` so a test can simply assert the list is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (path inside the body, Discord error code string, human message)
FieldError = tuple[tuple[str | int, ...], str, str]


@dataclass(frozen=True)
class Violation:
    """One broken Discord rule (or an unimplemented route the bot hit)."""

    kind: str  # e.g. "invalid_form_body", "already_acknowledged", "unimplemented_route"
    method: str
    path: str
    status: int
    code: int
    message: str
    details: list[str] = field(default_factory=list)
    body: Any = None

    def __str__(self) -> str:
        extra = "; ".join(self.details)
        return (
            f"{self.kind}: {self.method} {self.path} -> {self.status}/{self.code} {self.message}"
            + (f" [{extra}]" if extra else "")
        )


class DiscordHTTPError(Exception):
    """Raised inside handlers; rendered as Discord's JSON error body."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        kind: str,
        errors: dict[str, Any] | None = None,
        details: list[str] | None = None,
        record: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.kind = kind
        self.errors = errors
        self.details = details or []
        # Some refusals (e.g. bad token) are not the bot breaking a content
        # rule, but we still record them by default: a test should notice.
        self.record = record

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            out["errors"] = self.errors
        return out


def error_tree(errors: list[FieldError]) -> dict[str, Any]:
    """Build Discord's nested ``errors`` object: ``{"a": {"0": {"_errors": [...]}}}``."""
    tree: dict[str, Any] = {}
    for path, code, message in errors:
        node = tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    return tree


def format_path(path: tuple[str | int, ...]) -> str:
    """``("embeds", 0, "title")`` -> ``embeds[0].title`` for readable details."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "<body>"


def invalid_form_body(
    errors: list[FieldError], *, kind: str = "invalid_form_body"
) -> DiscordHTTPError:
    return DiscordHTTPError(
        400,
        50035,
        "Invalid Form Body",
        kind=kind,
        errors=error_tree(errors),
        details=[f"{format_path(p)}: {c} {m}" for p, c, m in errors],
    )


def unknown_interaction() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10062, "Unknown interaction", kind="unknown_interaction")


def already_acknowledged() -> DiscordHTTPError:
    return DiscordHTTPError(
        400, 40060, "Interaction has already been acknowledged.", kind="already_acknowledged"
    )


def unknown_webhook() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10015, "Unknown Webhook", kind="unknown_webhook")


def invalid_webhook_token() -> DiscordHTTPError:
    return DiscordHTTPError(401, 50027, "Invalid Webhook Token", kind="invalid_webhook_token")


def unknown_message() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10008, "Unknown Message", kind="unknown_message")


def unknown_channel() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10003, "Unknown Channel", kind="unknown_channel")


def unauthorized() -> DiscordHTTPError:
    return DiscordHTTPError(401, 0, "401: Unauthorized", kind="unauthorized")
