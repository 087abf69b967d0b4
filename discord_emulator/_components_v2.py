"""Components V2 message rules, as Discord enforces them (the OpenAPI spec checks the shapes).

- A message flagged IS_COMPONENTS_V2 (1 << 15) cannot carry `content`, `embeds`, `poll` or
  `stickers` (MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2).
- At most 40 components in a message, counted through every level (a Section's accessory, a
  Container's children, an ActionRow's buttons): COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED.
- At most 4,000 characters across all its text displays.
- No two components of a message share a custom_id (COMPONENT_CUSTOM_ID_DUPLICATED, for every
  message, V2 or not).
- A Section holds 1 to 3 text displays and an accessory.
- Once a message has the flag it cannot be removed by an edit; an edit of such a message is
  held to the V2 rules even when its body repeats no flags (check_edit).
V2 component types sent without the flag are refused by the classic layout check (_limits.py).
Error codes are Discord's where known; the one for the 4,000 characters is modelled on the
components one (Discord documents the limit, not its code).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._errors import FieldError

Path = tuple[str | int, ...]

IS_COMPONENTS_V2 = 1 << 15
COMPONENTS_TOTAL_MAX = 40
TEXT_TOTAL_MAX = 4000
TEXT_DISPLAY = 10
SECTION = 9
LEGACY_FIELDS = ("content", "embeds", "poll", "sticker_ids")


def _walk(components: Iterable[Any], path: Path) -> Iterable[tuple[Path, dict[str, Any]]]:
    """Every component of a message with its path, depth first."""
    for i, comp in enumerate(components):
        if not isinstance(comp, dict):
            continue
        p = (*path, i)
        yield p, comp
        children = comp.get("components")
        if isinstance(children, list):
            yield from _walk(children, (*p, "components"))
        accessory = comp.get("accessory")
        if isinstance(accessory, dict):
            yield (*p, "accessory"), accessory


def _flags(body: dict[str, Any]) -> int:
    flags = body.get("flags")
    return flags if isinstance(flags, int) else 0


def _present(value: Any) -> bool:
    """A legacy field counts when it says something: null and an empty list are accepted."""
    return value is not None and value != []


def duplicate_custom_ids(components: Any, path: Path) -> list[FieldError]:
    """Discord refuses a message whose components repeat a custom_id (disabled ones too)."""
    if not isinstance(components, list):
        return []
    seen: set[str] = set()
    errors: list[FieldError] = []
    for p, comp in _walk(components, path):
        custom_id = comp.get("custom_id")
        if not isinstance(custom_id, str):
            continue
        if custom_id in seen:
            errors.append(
                (
                    (*p, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            )
        seen.add(custom_id)
    return errors


def _legacy_fields(body: dict[str, Any], path: Path) -> list[FieldError]:
    return [
        (
            (*path, name),
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            f"The '{name}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        )
        for name in LEGACY_FIELDS
        if _present(body.get(name))
    ]


def _layout(components: list[Any], path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    walked = list(_walk(components, path))
    if len(walked) > COMPONENTS_TOTAL_MAX:
        errors.append(
            (
                path,
                "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
                f"Message has {len(walked)} components; the maximum is {COMPONENTS_TOTAL_MAX}",
            )
        )
    text = 0
    for p, comp in walked:
        if comp.get("type") == TEXT_DISPLAY and isinstance(comp.get("content"), str):
            text += len(comp["content"])
        if comp.get("type") == SECTION:
            texts = comp.get("components")
            if not isinstance(texts, list) or not 1 <= len(texts) <= 3:
                errors.append(
                    (
                        (*p, "components"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 3 in length.",
                    )
                )
            if not isinstance(comp.get("accessory"), dict):
                errors.append(((*p, "accessory"), "BASE_TYPE_REQUIRED", "This field is required"))
    if text > TEXT_TOTAL_MAX:
        errors.append(
            (
                path,
                "COMPONENT_MAX_TOTAL_CHARACTERS_EXCEEDED",
                f"Text displays hold {text} characters; the maximum is {TEXT_TOTAL_MAX}",
            )
        )
    return errors


def check_v2_message(body: Any, path: Path = ()) -> list[FieldError]:
    """The V2 rules for a message body on its own (create, or an edit of a classic message)."""
    if not isinstance(body, dict):
        return []
    components = body.get("components")
    errors = duplicate_custom_ids(components, (*path, "components"))
    if not _flags(body) & IS_COMPONENTS_V2:
        return errors
    errors += _legacy_fields(body, path)
    if isinstance(components, list):
        errors += _layout(components, (*path, "components"))
    return errors


def check_edit(
    current_flags: int, body: Any, check: Callable[[Any, Path], list[FieldError]], path: Path = ()
) -> list[FieldError]:
    """`check` (the message rules) run on an edit's body as Discord reads it for the message it
    edits: a message with the V2 flag keeps it, so a body that repeats no flags is held to the V2
    rules; a body whose flags leave the V2 bit out is refused (the flag cannot be removed)."""
    if not current_flags & IS_COMPONENTS_V2 or not isinstance(body, dict):
        return check(body, path)
    flags = body.get("flags")
    if flags is None:
        return check({**body, "flags": current_flags & IS_COMPONENTS_V2}, path)
    errors = check(body, path)
    if isinstance(flags, int) and not flags & IS_COMPONENTS_V2:
        errors.append(
            (
                (*path, "flags"),
                "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG",
                "The IS_COMPONENTS_V2 flag cannot be removed from a message",
            )
        )
    return errors
