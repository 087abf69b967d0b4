"""Members' own messages, and a message's right-click menu (a message command) as Discord's
client sends it.

A message command's interaction is an APPLICATION_COMMAND (type 2) whose data has type 3
(MESSAGE), the `target_id` of the message and the message itself in `resolved.messages`,
content included: Discord gives the target message's content to message commands whether or
not the app has the message-content intent (only message events are stripped without it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from ._driver import ClientRefusal, EmulatorUsageError, _find_command
from ._localizations import DEFAULT_LOCALE
from ._state import Channel, Guild, Message, State, User

MESSAGE_COMMAND = 3
# A member's message: 2,000 characters, 4,000 with Nitro (the emulator's members have it).
MEMBER_CONTENT_MAX = 4000
_attachment_ids = itertools.count(1)


def attachment(filename: str = "photo.png", *, size: int = 48_213) -> dict[str, Any]:
    """An uploaded file as Discord describes it in a message."""
    number = next(_attachment_ids)
    url = f"https://cdn.discordapp.com/attachments/0/{number}/{filename}"
    return {
        "id": str(number),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
        "content_type": "image/png" if filename.endswith(".png") else "application/octet-stream",
    }


def member_message(
    state: State,
    channel: Channel,
    author: User,
    content: str,
    attachments: list[dict[str, Any]] | None = None,
) -> Message:
    """A message a member posts, refused where Discord's client refuses it (empty, too long)."""
    files = list(attachments or [])
    if not content and not files:
        raise ClientRefusal("Discord sends no empty message: type something or attach a file")
    if len(content) > MEMBER_CONTENT_MAX:
        raise ClientRefusal(f"a message holds at most {MEMBER_CONTENT_MAX} characters")
    message = state.new_message(channel.id, author, {"content": content})
    message.attachments = files
    return message


def message_command_data(
    state: State,
    name: str,
    target: Message,
    guild: Guild | None,
    refuse_unoffered: Callable[[dict[str, Any]], None] | None,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    """The interaction's `data` for the message command `name` (as a member whose client is in
    `locale` sees it in the Apps menu) run on `target`.
    `refuse_unoffered(command)` raises ClientRefusal where the client does not offer it (its
    contexts, the installs that reach this place); None: a forged request, nothing refused."""
    if target.deleted:
        raise EmulatorUsageError(f"message {target.id} was deleted")
    if target.ephemeral and refuse_unoffered is not None:
        raise ClientRefusal("an ephemeral message has no apps menu")
    cmd = _find_command(
        state,
        name,
        guild.id if guild else None,
        MESSAGE_COMMAND,
        locale=locale,
        forged=refuse_unoffered is None,
    )
    if refuse_unoffered is not None:
        refuse_unoffered(cmd)
    data: dict[str, Any] = {
        "id": cmd["id"],
        "name": cmd["name"],
        "type": MESSAGE_COMMAND,
        "target_id": str(target.id),
        "resolved": {"messages": {str(target.id): target.to_payload()}},
    }
    if cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    return data
