"""Redaction of credentials from every log line.

At DEBUG, discord.py logs each HTTP route it calls and each gateway event it receives. Both carry
interaction tokens: `/interactions/<id>/<token>/callback`, `/webhooks/<app id>/<token>/...` and
`"token": "..."` in INTERACTION_CREATE payloads. Each token is a webhook credential valid for
15 minutes (it can edit or send the bot's replies), so a shared log must never contain one; nor
the bot token itself.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.log_context import log_fields

REDACTED = "[redacted]"

_PATTERNS = (
    # Route URLs: keep the id (useful when debugging), drop the token.
    (re.compile(r"(/interactions/\d+/)[^/\s'\"?]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(/webhooks/\d+/)[^/\s'\"?]+"), rf"\g<1>{REDACTED}"),
    # "token": "..." in JSON and 'token': '...' in the repr of a payload dict.
    (
        re.compile(r"""(["']token["']\s*:\s*)(["'])(?:(?!\2).)*\2"""),
        rf"\g<1>\g<2>{REDACTED}\g<2>",
    ),
    # Anything shaped like a bot token (base64 user id . timestamp . HMAC).
    (re.compile(r"[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"), REDACTED),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) with the credentials removed.

    Attached to handlers, not loggers: a handler's filters see the records of every logger
    that propagates to it (discord.http, discord.gateway, discord.webhook...).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__("")
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def install_redaction(secrets: Iterable[str] = (), logger: logging.Logger | None = None) -> None:
    """Put one RedactingFilter on every handler of `logger` (default: the root logger).

    Call it again after adding a handler (the sandbox's prompt handler, for instance).
    """
    target = logger or logging.getLogger()
    secrets = tuple(secrets)
    for handler in target.handlers:
        for existing in handler.filters:
            if isinstance(existing, RedactingFilter):
                existing.secrets = tuple(dict.fromkeys((*existing.secrets, *secrets)))
                break
        else:
            handler.addFilter(RedactingFilter(secrets))


# What a JSON line shows of the server, the command and the interaction it is about, when known:
# from the record's `extra=`, or else from the interaction the emitting task is answering
# (bot/log_context.py).
CONTEXT_FIELDS = ("guild", "command", "interaction")


class JsonFormatter(logging.Formatter):
    """LOG_FORMAT=json: one JSON object a line, for log collectors.

    Formats what the handler's RedactingFilter already cleaned (the message and the traceback
    text), so JSON lines are redacted exactly as text lines are; the filter must run first,
    which handler filters do (they run before the handler formats).

    The interaction context is read while formatting, which a StreamHandler does in the task
    that logs (a queue handler, formatting elsewhere, would lose it).
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        known = log_fields()
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is None:
                value = known.get(name)
            if value is not None:
                entry[name] = value if isinstance(value, int | str) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)
