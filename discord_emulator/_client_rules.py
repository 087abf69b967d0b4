"""What Discord's client lets a member send, from the synced command and modal definitions.

A real member cannot submit `/trivia play seconds: 0` when the command declares `min_value: 10`,
leave a required modal field empty, or run a servers-only command in a DM: the client refuses
before anything reaches the bot. The interaction driver applies the same rules, so a test or the
sandbox that asks for such an interaction gets a clear error instead of a run Discord would never
produce. (A test of the bot's own re-checks passes ``forged=True`` to act as a modified client.)
Each function returns the problem as a sentence, or None / an empty list.
"""

from __future__ import annotations

import math
from typing import Any

STRING, INTEGER, NUMBER, CHANNEL = 3, 4, 10, 7
STRING_MAX = 6000  # an option's max_length may be at most 6000, and that is the default
INTEGER_LIMIT = 2**53  # integer and number options lie within -2^53..2^53
TEXT_INPUT_MAX = 4000  # a modal text input's max_length may be at most 4000, the default
CONTEXT_NAMES = {0: "servers", 1: "DMs with the bot", 2: "group DMs and other DMs"}


def context_problem(cmd: dict[str, Any], context: int) -> str | None:
    """Why the client does not offer this top-level command in that interaction context."""
    contexts = cmd.get("contexts")
    allowed = set(contexts) if isinstance(contexts, list) else {0, 1, 2}
    if context == 1 and cmd.get("dm_permission") is False:
        allowed.discard(1)
    if context in allowed:
        return None
    where = ", ".join(CONTEXT_NAMES.get(c, str(c)) for c in sorted(allowed)) or "nowhere"
    return (
        f"/{cmd['name']} is not offered in {CONTEXT_NAMES.get(context, context)}: "
        f"its contexts allow {where}"
    )


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def option_problem(odef: dict[str, Any], value: Any, *, typing: bool = False) -> str | None:
    """Why the client refuses this (converted) value for the option; `typing` is a value still
    being typed for autocomplete, which only its maximum length bounds."""
    name, otype = odef["name"], odef.get("type")
    if otype == STRING:
        high = odef.get("max_length", STRING_MAX)
        low = 0 if typing else odef.get("min_length", 0)
        if not low <= len(value) <= high:
            return (
                f"{name} must be {low} to {high} characters long (got {len(value)}), "
                "so Discord's client does not send it"
            )
    elif otype in (INTEGER, NUMBER) and not typing:
        if otype == INTEGER and (isinstance(value, float) and not value.is_integer()):
            return f"{name} must be a whole number (got {_number(value)})"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{name} must be a number (got {value})"
        low = odef.get("min_value", -INTEGER_LIMIT)
        high = odef.get("max_value", INTEGER_LIMIT)
        if not low <= value <= high:
            return (
                f"{name} must be from {_number(low)} to {_number(high)} (got {_number(value)}), "
                "so Discord's client does not send it"
            )
    return None


def channel_problem(odef: dict[str, Any], channel_type: int, same_guild: bool) -> str | None:
    """Why the client's channel picker does not offer that channel for the option."""
    if not same_guild:
        return f"{odef['name']}: the client only offers channels of the server it is used in"
    types = odef.get("channel_types")
    if types and channel_type not in types:
        return f"{odef['name']}: a channel of type {channel_type} is not one of {types}"
    return None


def modal_problems(modal: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """Why the client will not submit this modal with these values (fields are required unless
    they say otherwise, text within its min/max length, selects within min/max values)."""
    problems: list[str] = []
    fields: dict[str, tuple[dict[str, Any], str]] = {}  # custom_id -> (field, its label)
    for comp in modal.get("components") or []:
        if comp.get("type") == 1:  # the older layout: a text input in an action row
            for c in comp.get("components") or []:
                if c.get("type") == 4 and "custom_id" in c:
                    fields[c["custom_id"]] = (c, c.get("label") or c["custom_id"])
        elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
            c = comp["component"]
            if "custom_id" in c:
                fields[c["custom_id"]] = (c, comp.get("label") or c["custom_id"])
    unknown = sorted(set(values) - set(fields))
    if unknown:
        problems.append(f"the modal has no field {unknown}; its fields: {sorted(fields)}")
    for custom_id, (field, label) in fields.items():
        required = field.get("required", True)
        if field.get("type") == 4:
            text = values.get(custom_id, field.get("value") or "")  # pre-filled text is sent
            if not isinstance(text, str):
                problems.append(f"field {label!r} takes text")
                continue
            low = field.get("min_length", 0)
            high = field.get("max_length", TEXT_INPUT_MAX)
            if required and not text:
                problems.append(f"field {label!r} is required")
            elif text and not low <= len(text) <= high:
                problems.append(
                    f"field {label!r} must be {low} to {high} characters long (got {len(text)})"
                )
        else:
            picked = values.get(custom_id, [])
            low = field.get("min_values", 1)
            high = field.get("max_values", 1)
            if (required or picked) and not low <= len(picked) <= high:
                problems.append(f"field {label!r} takes {low} to {high} values (got {len(picked)})")
    return problems
