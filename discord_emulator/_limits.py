"""Discord's documented size and shape limits, checked by hand.

These are the rules the OpenAPI spec does not (fully) encode, or encodes
differently from what bots are held to (content: 2000, not 4000), plus the
cross-field rules (6000 characters over all embeds, command name pattern).
Each function returns a list of ``FieldError``; empty means valid.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._components_v2 import IS_COMPONENTS_V2, check_v2_message
from ._errors import FieldError
from ._localizations import (
    check_localizations,
    check_unique_in_locales,
    valid_chat_input_name,
)
from ._polls import check_poll

Path = tuple[str | int, ...]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
EMBED_FIELDS_MAX = 25
CUSTOM_ID_MAX = 100
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
CHOICES_MAX = 25
OPTIONS_MAX = 25


def _max_len(errors: list[FieldError], path: Path, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        errors.append((path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."))


def _bad_len(errors: list[FieldError], path: Path, value: Any, lo: int, hi: int) -> None:
    if not isinstance(value, str) or not lo <= len(value) <= hi:
        errors.append((path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length."))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --------------------------------------------------------------------------- messages


def embed_text_length(embed: dict[str, Any]) -> int:
    """Characters that count toward Discord's 6000 per-message embed budget."""
    total = len(_text(embed.get("title"))) + len(_text(embed.get("description")))
    for f in embed.get("fields") or []:
        if isinstance(f, dict):
            total += len(_text(f.get("name"))) + len(_text(f.get("value")))
    footer = embed.get("footer")
    if isinstance(footer, dict):
        total += len(_text(footer.get("text")))
    author = embed.get("author")
    if isinstance(author, dict):
        total += len(_text(author.get("name")))
    return total


def check_embeds(embeds: Any, path: Path = ("embeds",)) -> list[FieldError]:
    errors: list[FieldError] = []
    if embeds is None:
        return errors
    if not isinstance(embeds, list):
        return [(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")]
    if len(embeds) > EMBEDS_MAX:
        errors.append((path, "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_MAX} or fewer in length."))
    total = 0
    for i, embed in enumerate(embeds):
        p = (*path, i)
        if not isinstance(embed, dict):
            errors.append((p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"))
            continue
        for key, limit in EMBED_LIMITS.items():
            _max_len(errors, (*p, key), embed.get(key), limit)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            errors.append(
                (
                    (*p, "fields"),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {EMBED_FIELDS_MAX} or fewer in length.",
                )
            )
        for j, f in enumerate(fields):
            fp = (*p, "fields", j)
            if not isinstance(f, dict):
                continue
            _bad_len(errors, (*fp, "name"), f.get("name"), 1, 256)
            _bad_len(errors, (*fp, "value"), f.get("value"), 1, 1024)
        footer = embed.get("footer")
        if isinstance(footer, dict):
            _max_len(errors, (*p, "footer", "text"), footer.get("text"), 2048)
        author = embed.get("author")
        if isinstance(author, dict):
            _max_len(errors, (*p, "author", "name"), author.get("name"), 256)
        total += embed_text_length(embed)
    if total > EMBED_TOTAL_MAX:
        errors.append(
            (
                path,
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
            )
        )
    return errors


def _check_custom_id(errors: list[FieldError], path: Path, value: Any) -> None:
    _bad_len(errors, path, value, 1, CUSTOM_ID_MAX)


def _check_select(errors: list[FieldError], path: Path, comp: dict[str, Any]) -> None:
    _check_custom_id(errors, (*path, "custom_id"), comp.get("custom_id"))
    _max_len(errors, (*path, "placeholder"), comp.get("placeholder"), 150)
    if comp.get("type") == 3:
        options = comp.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= SELECT_OPTIONS_MAX:
            errors.append(
                (
                    (*path, "options"),
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {SELECT_OPTIONS_MAX} in length.",
                )
            )
        for k, opt in enumerate(options or []):
            if isinstance(opt, dict):
                _bad_len(errors, (*path, "options", k, "label"), opt.get("label"), 1, 100)
                _bad_len(errors, (*path, "options", k, "value"), opt.get("value"), 1, 100)
                _max_len(errors, (*path, "options", k, "description"), opt.get("description"), 100)
    for key in ("min_values", "max_values"):
        v = comp.get(key)
        if v is not None and (not isinstance(v, int) or not 0 <= v <= 25):
            errors.append(((*path, key), "NUMBER_TYPE_MAX", "int value should be <= 25 and >= 0."))


def check_components(
    components: Any, flags: int = 0, path: Path = ("components",)
) -> list[FieldError]:
    """Classic (action-row) component layout limits.

    Components V2 layouts (flag 1<<15) have a different, much richer rule
    set; only custom ids are checked there.
    """
    errors: list[FieldError] = []
    if components is None:
        return errors
    if not isinstance(components, list):
        return [(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")]
    if flags & IS_COMPONENTS_V2:
        for p, comp in _walk_components(components, path):
            if "custom_id" in comp:
                _check_custom_id(errors, (*p, "custom_id"), comp["custom_id"])
        return errors
    if len(components) > ACTION_ROWS_MAX:
        errors.append(
            (path, "BASE_TYPE_MAX_LENGTH", f"Must be {ACTION_ROWS_MAX} or fewer in length.")
        )
    for i, row in enumerate(components):
        rp = (*path, i)
        if not isinstance(row, dict) or row.get("type") != 1:
            errors.append(
                ((*rp, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')
            )
            continue
        children = row.get("components")
        if not isinstance(children, list) or not children:
            errors.append(
                ((*rp, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
            )
            continue
        selects = [c for c in children if isinstance(c, dict) and c.get("type") in (3, 5, 6, 7, 8)]
        if len(children) > ROW_BUTTONS_MAX or (selects and len(children) > 1):
            errors.append(
                (
                    (*rp, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            )
        for j, comp in enumerate(children):
            cp = (*rp, "components", j)
            if not isinstance(comp, dict):
                continue
            ctype = comp.get("type")
            if ctype == 2:
                _max_len(errors, (*cp, "label"), comp.get("label"), BUTTON_LABEL_MAX)
                if comp.get("style") == 5:
                    if not comp.get("url"):
                        errors.append(
                            ((*cp, "url"), "BASE_TYPE_REQUIRED", "This field is required")
                        )
                elif comp.get("style") != 6:
                    _check_custom_id(errors, (*cp, "custom_id"), comp.get("custom_id"))
                if not comp.get("label") and not comp.get("emoji") and comp.get("style") != 6:
                    errors.append(
                        (
                            (*cp, "label"),
                            "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                            "A label or emoji is required",
                        )
                    )
            elif ctype in (3, 5, 6, 7, 8):
                _check_select(errors, cp, comp)
            elif ctype == 4:
                _check_custom_id(errors, (*cp, "custom_id"), comp.get("custom_id"))
                _bad_len(errors, (*cp, "label"), comp.get("label"), 1, 45)
    return errors


def _walk_components(components: list[Any], path: Path) -> Iterable[tuple[Path, dict[str, Any]]]:
    for i, comp in enumerate(components):
        if not isinstance(comp, dict):
            continue
        p = (*path, i)
        yield p, comp
        for key in ("components", "items"):
            children = comp.get(key)
            if isinstance(children, list):
                yield from _walk_components(children, (*p, key))
        for key in ("accessory", "component"):
            child = comp.get(key)
            if isinstance(child, dict):
                yield (*p, key), child


def check_allowed_mentions(am: Any, path: Path = ("allowed_mentions",)) -> list[FieldError]:
    errors: list[FieldError] = []
    if am is None:
        return errors
    if not isinstance(am, dict):
        return [(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")]
    unknown = set(am) - {"parse", "users", "roles", "replied_user"}
    for key in sorted(unknown):
        errors.append(((*path, key), "UNKNOWN_FIELD", "Unknown field."))
    parse = am.get("parse", [])
    if not isinstance(parse, list) or any(p not in ("users", "roles", "everyone") for p in parse):
        errors.append(
            (
                (*path, "parse"),
                "BASE_TYPE_CHOICES",
                "Value must be one of {'users', 'roles', 'everyone'}.",
            )
        )
        parse = []
    for key in ("users", "roles"):
        ids = am.get(key)
        if ids is None:
            continue
        if not isinstance(ids, list) or len(ids) > 100:
            errors.append(((*path, key), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))
        elif key in parse and ids:
            # Discord rejects the mutually exclusive combination.
            errors.append(
                (
                    (*path, "parse"),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
                )
            )
    if "replied_user" in am and not isinstance(am["replied_user"], bool):
        errors.append(
            ((*path, "replied_user"), "BASE_TYPE_BOOLEAN", "Must be either true or false.")
        )
    return errors


def check_message(body: Any, path: Path = (), *, require_content: bool = False) -> list[FieldError]:
    """Limits for any message-ish body (create, edit, followup, callback data)."""
    if body is None:
        return []
    if not isinstance(body, dict):
        return [(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")]
    errors: list[FieldError] = []
    _max_len(errors, (*path, "content"), body.get("content"), CONTENT_MAX)
    flags = body.get("flags") or 0
    errors += check_embeds(body.get("embeds"), (*path, "embeds"))
    errors += check_components(
        body.get("components"), flags if isinstance(flags, int) else 0, (*path, "components")
    )
    errors += check_allowed_mentions(body.get("allowed_mentions"), (*path, "allowed_mentions"))
    errors += check_v2_message(body, path)  # the V2 flag's rules; custom ids unique
    errors += check_poll(body, path)
    if require_content and not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        errors.append((path, "50006", "Cannot send an empty message"))
    return errors


# --------------------------------------------------------------------------- app commands


def _check_name(errors: list[FieldError], path: Path, name: Any, chat_input: bool) -> None:
    if chat_input:
        if not valid_chat_input_name(name):
            errors.append(
                (path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
            )
    else:
        _bad_len(errors, path, name, 1, 32)


def _check_choices(errors: list[FieldError], path: Path, choices: Any, opt_type: Any) -> None:
    if not isinstance(choices, list):
        return
    if len(choices) > CHOICES_MAX:
        errors.append((path, "BASE_TYPE_MAX_LENGTH", f"Must be {CHOICES_MAX} or fewer in length."))
    for k, choice in enumerate(choices):
        cp = (*path, k)
        if not isinstance(choice, dict):
            errors.append(
                (cp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            )
            continue
        _bad_len(errors, (*cp, "name"), choice.get("name"), 1, 100)
        check_localizations(errors, cp, choice, "choice")
        value = choice.get("value")
        if opt_type == 3 or (opt_type is None and isinstance(value, str)):
            if isinstance(value, str):
                _max_len(errors, (*cp, "value"), value, 100)
            else:
                errors.append(((*cp, "value"), "BASE_TYPE_STRING", "Must be a string."))
        elif opt_type in (4, 10) and (
            isinstance(value, bool) or not isinstance(value, (int, float))
        ):
            errors.append(
                ((*cp, "value"), "NUMBER_TYPE_COERCE", f"Value {value!r} is not a number.")
            )
        elif opt_type is None and not isinstance(value, (str, int, float)):
            errors.append(((*cp, "value"), "BASE_TYPE_REQUIRED", "This field is required"))


def _check_options(errors: list[FieldError], path: Path, options: Any, depth: int) -> None:
    if options is None:
        return
    if not isinstance(options, list):
        errors.append((path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType."))
        return
    if len(options) > OPTIONS_MAX:
        errors.append((path, "BASE_TYPE_MAX_LENGTH", f"Must be {OPTIONS_MAX} or fewer in length."))
    check_unique_in_locales(
        errors,
        path,
        options,
        "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
        "Option name already exists",
    )
    seen: set[str] = set()
    optional_seen = False
    for i, opt in enumerate(options):
        op = (*path, i)
        if not isinstance(opt, dict):
            errors.append(
                (op, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            )
            continue
        otype = opt.get("type")
        _check_name(errors, (*op, "name"), opt.get("name"), True)
        _bad_len(errors, (*op, "description"), opt.get("description"), 1, 100)
        check_localizations(errors, op, opt, "chat_input")
        name = opt.get("name")
        if isinstance(name, str):
            if name in seen:
                errors.append(
                    (
                        (*op, "name"),
                        "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                        "Option name already exists",
                    )
                )
            seen.add(name)
        if otype in (1, 2):
            if depth >= (2 if otype == 2 else 3) or (otype == 2 and depth == 1):
                errors.append(
                    (
                        (*op, "type"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Invalid nesting of subcommands",
                    )
                )
            _check_options(errors, (*op, "options"), opt.get("options"), depth + 1)
            continue
        if not isinstance(otype, int) or not 3 <= otype <= 11:
            errors.append(
                ((*op, "type"), "BASE_TYPE_CHOICES", f"Value must be one of {set(range(1, 12))}.")
            )
        if opt.get("required"):
            if optional_seen:
                errors.append(
                    (
                        (*op, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            optional_seen = True
        _check_value_option(errors, op, opt)


def _check_value_option(errors: list[FieldError], op: Path, opt: dict[str, Any]) -> None:
    """What an option taking a value declares: its choices or autocomplete, its lengths."""
    if opt.get("autocomplete") and opt.get("choices"):
        errors.append(
            (
                (*op, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set with choices",
            )
        )
    _check_choices(errors, (*op, "choices"), opt.get("choices"), opt.get("type"))
    for key in ("min_length", "max_length"):
        v = opt.get(key)
        if v is not None and (
            not isinstance(v, int) or not (0 if key == "min_length" else 1) <= v <= 6000
        ):
            errors.append(((*op, key), "NUMBER_TYPE_MAX", "int value should be <= 6000."))


def check_command(cmd: Any, path: Path = ()) -> list[FieldError]:
    errors: list[FieldError] = []
    if not isinstance(cmd, dict):
        return [(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")]
    ctype = cmd.get("type", 1)
    chat_input = ctype == 1
    _check_name(errors, (*path, "name"), cmd.get("name"), chat_input)
    check_localizations(errors, path, cmd, "chat_input" if chat_input else "menu")
    desc = cmd.get("description")
    if chat_input:
        _bad_len(errors, (*path, "description"), desc, 1, 100)
        _check_options(errors, (*path, "options"), cmd.get("options"), 1)
    elif desc not in (None, ""):
        errors.append(
            ((*path, "description"), "BASE_TYPE_MAX_LENGTH", "Must be 0 or fewer in length.")
        )
    return errors


def check_command_list(cmds: Any) -> list[FieldError]:
    if not isinstance(cmds, list):
        return [((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")]
    errors: list[FieldError] = []
    seen: set[tuple[Any, Any]] = set()
    for i, cmd in enumerate(cmds):
        errors += check_command(cmd, (i,))
        if isinstance(cmd, dict):
            key = (cmd.get("type", 1), cmd.get("name"))
            if key in seen:
                errors.append(
                    (
                        (i, "name"),
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        f"Application command names must be unique: {cmd.get('name')!r}",
                    )
                )
            seen.add(key)
    for ctype in sorted({c.get("type", 1) for c in cmds if isinstance(c, dict)}, key=str):
        same_type = [c if isinstance(c, dict) and c.get("type", 1) == ctype else None for c in cmds]
        check_unique_in_locales(
            errors,
            (),
            same_type,
            "APPLICATION_COMMANDS_DUPLICATE_NAME",
            "Application command names must be unique",
        )
    return errors


# --------------------------------------------------------------------------- callbacks


def check_autocomplete(data: Any, path: Path = ("data",)) -> list[FieldError]:
    if not isinstance(data, dict):
        return [(path, "BASE_TYPE_REQUIRED", "This field is required")]
    choices = data.get("choices")
    if not isinstance(choices, list):
        return [((*path, "choices"), "BASE_TYPE_REQUIRED", "This field is required")]
    errors: list[FieldError] = []
    _check_choices(errors, (*path, "choices"), choices, None)
    return errors


def check_modal(data: Any, path: Path = ("data",)) -> list[FieldError]:
    if not isinstance(data, dict):
        return [(path, "BASE_TYPE_REQUIRED", "This field is required")]
    errors: list[FieldError] = []
    _bad_len(errors, (*path, "title"), data.get("title"), 1, 45)
    _check_custom_id(errors, (*path, "custom_id"), data.get("custom_id"))
    comps = data.get("components")
    if not isinstance(comps, list) or not 1 <= len(comps) <= 5:
        errors.append(
            ((*path, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        )
    else:
        for p, comp in _walk_components(comps, (*path, "components")):
            if "custom_id" in comp:
                _check_custom_id(errors, (*p, "custom_id"), comp["custom_id"])
    return errors
