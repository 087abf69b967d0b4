"""Builds user-side interactions (slash, autocomplete, buttons, modals).

Option payloads are derived from the commands the bot actually synced, so a
test writes ``slash("cast", {"name": "pedro"})`` and gets correctly typed,
correctly nested options (subcommands, resolved users/channels/roles).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _client_rules
from ._installs import PRIVATE_CHANNEL_APP_PERMISSIONS, RESPONSE_PERMISSIONS, Installs
from ._localizations import DEFAULT_LOCALE, shown_name
from ._state import LOADING, Channel, Guild, Interaction, Message, Role, State, User

if TYPE_CHECKING:
    from ._emulator import Emulator

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class EmulatorUsageError(Exception):
    """The *test* asked for something a real Discord client could not send."""


class ClientRefusal(EmulatorUsageError):
    """Discord's client would refuse this input (an option out of its declared range, a missing
    required option or modal field, a servers-only command in a DM). ``forged=True`` sends it
    anyway, as a modified client could."""


# What the bot may do in a DM with it: Discord reports Attach Files, Embed Links, Mention
# Everyone and Use External Emojis there (the bits that bound an app where its bot is not).
DM_APP_PERMISSIONS = RESPONSE_PERMISSIONS


@dataclass(frozen=True)
class InteractionResponse:
    """The bot's initial response to an interaction, as readable data."""

    type: int
    body: dict[str, Any]
    message: Message | None

    @property
    def data(self) -> dict[str, Any]:
        return self.body.get("data") or {}

    @property
    def deferred(self) -> bool:
        return self.type in (5, 6)

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & 64)

    @property
    def content(self) -> str | None:
        return self.data.get("content")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.data.get("choices") or []


class InteractionHandle:
    """A dispatched interaction; await its response or resulting messages."""

    def __init__(self, emulator: Emulator, interaction: Interaction) -> None:
        self._emu = emulator
        self.interaction = interaction

    @property
    def id(self) -> int:
        return self.interaction.id

    @property
    def token(self) -> str:
        return self.interaction.token

    @property
    def original(self) -> Message | None:
        mid = self.interaction.original_message_id
        return self._emu.state.messages.get(mid) if mid is not None else None

    @property
    def followups(self) -> list[Message]:
        msgs = self._emu.state.messages
        return [msgs[i] for i in self.interaction.followup_ids if i in msgs]

    def messages(self) -> list[Message]:
        """Original (if any, and not still 'thinking') then followups, oldest first."""
        out = []
        original = self.original
        if original is not None and not original.deleted and not original.flags & LOADING:
            out.append(original)
        return out + [m for m in self.followups if not m.deleted]

    async def response(self, timeout: float = 5.0) -> InteractionResponse:  # noqa: ASYNC109
        inter = self.interaction
        await self._emu.wait_until(
            lambda: inter.is_acked, timeout, f"initial response to interaction {inter.id}"
        )
        if inter.response_type is None or inter.response_body is None:
            raise EmulatorUsageError(f"interaction {inter.id} has no recorded response")
        return InteractionResponse(inter.response_type, inter.response_body, self.original)

    async def wait_message(self, timeout: float = 5.0, *, count: int = 1) -> Message:  # noqa: ASYNC109
        """Wait until ``count`` visible messages exist; return the newest."""
        msgs = await self._emu.wait_until(
            lambda: (m := self.messages()) and len(m) >= count and m,
            timeout,
            f"message #{count} of interaction {self.id}",
        )
        return msgs[-1]

    async def wait_edit(self, timeout: float = 5.0) -> Message:  # noqa: ASYNC109
        """Wait until the original response has been edited (e.g. after a defer)."""
        return await self._emu.wait_until(
            lambda: (o := self.original) is not None and o.edited_timestamp is not None and o,
            timeout,
            "an edit",
        )


# --------------------------------------------------------------------------- payload building


def _pick(
    nodes: list[dict[str, Any]], typed: str, locale: str, *, forged: bool = False
) -> dict[str, Any] | None:
    """The command, subcommand or option a member whose client is in `locale` means by `typed`:
    the one shown under that name. The default name of one shown localized is not offered to
    them (ClientRefusal), as in Discord's client; a forged request may use it."""
    for node in nodes:
        if shown_name(node, locale) == typed:
            return node
    for node in nodes:
        if node.get("name") == typed:
            if forged:
                return node
            raise ClientRefusal(
                f"{typed!r} is shown as {shown_name(node, locale)!r} to a member whose client is "
                f"in {locale}: Discord's client offers only that name"
            )
    return None


def _find_command(
    state: State,
    name: str,
    guild_id: int | None,
    ctype: int = 1,
    *,
    locale: str = DEFAULT_LOCALE,
    forged: bool = False,
) -> dict[str, Any]:
    """The synced command of type `ctype` a member (client in `locale`) picks by `name`."""
    pools = ([state.commands_for(guild_id)] if guild_id is not None else []) + [
        state.commands_for(None)
    ]
    for pool in pools:
        found = _pick([c for c in pool if c.get("type", 1) == ctype], name, locale, forged=forged)
        if found is not None:
            return found
    raise EmulatorUsageError(
        f"command {name!r} (type {ctype}) has not been synced (guild={guild_id})"
    )


def _descend(
    cmd: dict[str, Any], path: list[str], locale: str = DEFAULT_LOCALE, *, forged: bool = False
) -> tuple[list[dict[str, Any]], Callable[[list[Any]], list[Any]]]:
    """Walk subcommand groups/subcommands (as the member's client shows them); return the leaf
    option defs and a wrapper that nests the leaf options under their default names."""
    defs = cmd.get("options") or []
    chain: list[dict[str, Any]] = []
    for part in path:
        subs = [o for o in defs if o.get("type") in (1, 2)]
        sub = _pick(subs, part, locale, forged=forged)
        if sub is None:
            raise EmulatorUsageError(f"{cmd['name']!r} has no subcommand (group) {part!r}")
        chain.append(sub)
        defs = sub.get("options") or []
    if any(o.get("type") in (1, 2) for o in defs):
        names = [shown_name(o, locale) for o in defs if o.get("type") in (1, 2)]
        raise EmulatorUsageError(
            f"{cmd['name']} {' '.join(path)}: a subcommand is required, one of {names}"
        )

    def wrap(leaf: list[Any]) -> list[Any]:
        for sub in reversed(chain):
            leaf = [{"name": sub["name"], "type": sub["type"], "options": leaf}]
        return leaf

    return defs, wrap


def _by_shown_name(
    defs: list[dict[str, Any]], options: dict[str, Any], locale: str, *, forged: bool
) -> dict[str, Any]:
    """The options a member typed under the names their client shows, keyed by default name
    (what Discord sends the bot); a name their client does not show is left as typed."""
    out: dict[str, Any] = {}
    for typed, value in options.items():
        odef = _pick(defs, typed, locale, forged=forged)
        out[odef["name"] if odef is not None else typed] = value
    return out


def _focused_option(
    command: str, seen: dict[str, Any], name: str, value: Any, *, forged: bool
) -> dict[str, Any]:
    """The option being typed, for autocomplete: whatever is typed so far, always a string."""
    typed = str(value)
    problem = None if forged else _client_rules.option_problem(seen, typed, typing=True)
    if problem:
        raise ClientRefusal(f"/{command}: {problem}")
    return {"name": name, "type": seen["type"], "value": typed, "focused": True}


def _refuse_value(command: str, seen: dict[str, Any], converted: Any) -> None:
    """ClientRefusal for a value the client does not send: not one of the option's choices,
    or outside its declared bounds."""
    choices = seen.get("choices")
    if choices and converted not in [c["value"] for c in choices]:
        raise ClientRefusal(f"/{command}: {converted!r} is not a choice of {seen['name']!r}")
    problem = _client_rules.option_problem(seen, converted)
    if problem:
        raise ClientRefusal(f"/{command}: {problem}")


def _whole(value: Any) -> int:
    """An integer option's value: a whole number, never a bool or a fraction silently cut."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    return int(value)


class PayloadBuilder:
    """Turns friendly test arguments into INTERACTION_CREATE payloads."""

    def __init__(
        self,
        state: State,
        application_id: int,
        bot_user_id: int,
        installs: Installs | None = None,
    ) -> None:
        self.state = state
        self.application_id = application_id
        self.bot_user_id = bot_user_id
        self.installs = installs if installs is not None else Installs()

    def _resolve_value(
        self,
        odef: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
        *,
        forged: bool = False,
    ) -> Any:
        otype = odef.get("type")
        if otype in (3, 4, 5, 10) and forged:
            return value  # a modified client sends whatever JSON it likes
        if otype == 3:
            return str(value)
        if otype in (4, 10):
            try:
                number = float(value) if otype == 10 else _whole(value)
            except (TypeError, ValueError):
                kind = "a whole number" if otype == 4 else "a number"
                raise ClientRefusal(f"{odef['name']} must be {kind} (got {value!r})") from None
            return number
        if otype == 5:
            return bool(value)
        if otype in (6, 9) and (
            isinstance(value, User) or (isinstance(value, int) and value in self.state.users)
        ):
            user = value if isinstance(value, User) else self.state.users[value]
            resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
            if guild is not None and user.id in guild.members:
                member = guild.members[user.id].to_payload(
                    permissions=guild.permissions_of(guild.members[user.id])
                )
                member.pop("user")
                resolved.setdefault("members", {})[str(user.id)] = member
            return str(user.id)
        if otype in (8, 9):
            role = (
                value
                if isinstance(value, Role)
                else (guild.roles.get(int(value)) if guild else None)
            )
            if role is None:
                raise EmulatorUsageError(f"option {odef['name']!r}: unknown role {value!r}")
            resolved.setdefault("roles", {})[str(role.id)] = role.to_payload()
            return str(role.id)
        if otype == 7:
            channel = value if isinstance(value, Channel) else self.state.channels.get(int(value))
            if channel is None:
                raise EmulatorUsageError(f"option {odef['name']!r}: unknown channel {value!r}")
            if not forged:
                problem = _client_rules.channel_problem(
                    odef, channel.type, guild is not None and channel.guild_id == guild.id
                )
                if problem:
                    raise ClientRefusal(problem)
            payload = channel.to_payload()
            payload["permissions"] = str((1 << 53) - 1)
            resolved.setdefault("channels", {})[str(channel.id)] = payload
            return str(channel.id)
        raise EmulatorUsageError(
            f"option type {otype} ({odef['name']!r}) not supported by the emulator"
        )

    def command_data(
        self,
        name: str,
        options: dict[str, Any] | None,
        subcommand: str | None,
        guild: Guild | None,
        *,
        focused: str | None = None,
        forged: bool = False,
        channel: Channel | None = None,
        user: User | None = None,
    ) -> dict[str, Any]:
        """The interaction's ``data``, refused (ClientRefusal) where Discord's client refuses,
        unless ``forged``: a command not offered in this context, or by no installation of
        the app the member can use here (given the ``channel`` and ``user``).

        Names (command, subcommands, options, `focused`) are those the member's client shows
        in their locale (``user.locale``); the data carries the default names, as Discord's."""
        locale = user.locale if user is not None else DEFAULT_LOCALE
        words = name.split()
        path = words[1:] + (subcommand.split() if subcommand else [])
        gid = guild.id if guild else None
        cmd = _find_command(self.state, words[0], gid, locale=locale, forged=forged)
        if not forged:
            self.refuse_unoffered(cmd, guild, channel, user)
        defs, wrap = _descend(cmd, path, locale, forged=forged)
        by_name = {o["name"]: o for o in defs}
        options = _by_shown_name(defs, dict(options or {}), locale, forged=forged)
        if focused is not None:
            focused_def = _pick(defs, focused, locale, forged=forged)
            focused = focused_def["name"] if focused_def is not None else focused
        unknown = [o for o in options if o not in by_name]
        if unknown and not forged:
            known = sorted(shown_name(o, locale) for o in defs)
            raise ClientRefusal(f"/{name}: unknown option(s) {sorted(unknown)}; known: {known}")
        resolved: dict[str, dict[str, Any]] = {}
        leaf: list[dict[str, Any]] = []
        for odef in defs:  # Discord sends options in definition order
            oname = odef["name"]
            if oname not in options:
                if odef.get("required") and focused is None and not forged:
                    raise ClientRefusal(
                        f"/{name}: required option {shown_name(odef, locale)!r} missing"
                    )
                continue
            # What the member reads in a refusal: the option as their client names it.
            seen = {**odef, "name": shown_name(odef, locale)}
            if oname == focused:
                leaf.append(_focused_option(name, seen, oname, options[oname], forged=forged))
                continue
            converted = self._resolve_value(seen, options[oname], resolved, guild, forged=forged)
            if not forged:
                _refuse_value(name, seen, converted)
            leaf.append({"name": oname, "type": odef["type"], "value": converted})
        for oname in unknown:  # only when forged: sent as text, after the declared ones
            leaf.append({"name": oname, "type": 3, "value": options[oname]})
        if focused is not None and focused not in options:
            raise EmulatorUsageError(f"/{name}: focused option {focused!r} needs a value")
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": cmd.get("type", 1)}
        built = wrap(leaf)
        if built:
            data["options"] = built
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    def refuse_unoffered(
        self,
        cmd: dict[str, Any],
        guild: Guild | None,
        channel: Channel | None,
        user: User | None,
    ) -> None:
        """ClientRefusal when Discord's client does not offer the command here: its contexts
        exclude this one, or no installation of the app that the command allows reaches it
        (the bot is not in this server and the member has not installed the app)."""
        if channel is None:
            context = 0 if guild is not None else 1
        else:
            context = self.installs.context(guild, channel)
        problem = _client_rules.context_problem(cmd, context)
        if problem:
            raise ClientRefusal(problem)
        if channel is None or user is None:
            return
        if not self.installs.owners(self.state, cmd, guild, channel, user):
            raise ClientRefusal(
                f"/{cmd['name']} is not offered to {user.username} here: the bot is not in "
                "this place and the command is not available through their own install"
            )

    def envelope(
        self,
        itype: int,
        data: dict[str, Any],
        user: User,
        guild: Guild | None,
        channel: Channel,
        *,
        owners: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Fields common to every interaction type. `owners`: the installations that authorised
        it (a press on a message: those of the interaction that posted it); by default worked
        out from the command in `data` and where the app is installed (_installs.py)."""
        payload: dict[str, Any] = {
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "channel_id": str(channel.id),
            "version": 1,
            "locale": user.locale,  # the member's client language
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if owners is None:
            command = self._command_of(data, guild) if itype in (2, 4) else None
            owners = self.installs.owners(self.state, command, guild, channel, user)
        payload["authorizing_integration_owners"] = dict(owners)
        payload["context"] = self.installs.context(guild, channel)
        if guild is not None:
            payload.update(self._in_guild(user, guild, channel))
        elif channel.id in self.installs.private:
            # A group DM or a DM between users (context 2): the bot is not a recipient.
            payload["user"] = user.to_payload()
            payload["app_permissions"] = str(PRIVATE_CHANNEL_APP_PERMISSIONS)
            payload["channel"] = self.installs.private[channel.id].to_payload(user)
        else:
            # A DM with the bot, as Discord sends it: no guild, `user` instead of `member`, a
            # type-1 channel naming its recipient, context 1 (BOT_DM).
            if channel.type != 1 or channel.guild_id is not None:
                raise EmulatorUsageError(f"channel {channel.id} is not a DM channel")
            payload["user"] = user.to_payload()
            payload["app_permissions"] = str(DM_APP_PERMISSIONS)
            payload["channel"] = {
                "id": str(channel.id),
                "type": 1,
                "last_message_id": str(channel.messages[-1].id) if channel.messages else None,
                "flags": 0,
                "recipients": [user.to_payload()],
            }
        return payload

    def _in_guild(self, user: User, guild: Guild, channel: Channel) -> dict[str, Any]:
        """A server's part of an interaction: the member, and what the app may do there (the
        bot's permissions; where the bot is not, what Discord grants a user install)."""
        member = guild.members.get(user.id)
        if member is None:
            raise EmulatorUsageError(f"user {user.username} is not a member of guild {guild.name}")
        bot_member = guild.members.get(self.bot_user_id)
        app_permissions = self.installs.app_permissions(self.state, guild, channel)
        if app_permissions is None:
            app_permissions = guild.permissions_of(bot_member) if bot_member else 0
        return {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
            "guild_locale": guild.preferred_locale,
            "member": member.to_payload(permissions=guild.permissions_of(member)),
            "app_permissions": str(app_permissions),
            "channel": {**channel.to_payload(), "permissions": str((1 << 53) - 1)},
        }

    def _command_of(self, data: dict[str, Any], guild: Guild | None) -> dict[str, Any] | None:
        """The synced command an application command or autocomplete interaction names."""
        pools = [self.state.commands_for(guild.id)] if guild is not None else []
        for pool in [*pools, self.state.commands_for(None)]:
            for cmd in pool:
                if cmd.get("id") == data.get("id"):
                    return cmd
        return None

    @staticmethod
    def modal_components(modal: dict[str, Any], values: dict[str, str]) -> list[dict[str, Any]]:
        """Mirror the modal's layout with submitted values (action rows or labels)."""
        out: list[dict[str, Any]] = []
        for comp in modal.get("components") or []:
            if comp.get("type") == 1:
                children = [
                    {
                        "type": c["type"],
                        "custom_id": c["custom_id"],
                        "value": values.get(c["custom_id"], c.get("value") or ""),
                    }
                    for c in comp.get("components") or []
                    if c.get("type") == 4
                ]
                out.append({"type": 1, "components": children})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                inner = comp["component"]
                if inner.get("type") == 4:
                    sub = {
                        "type": 4,
                        "custom_id": inner["custom_id"],
                        # A field the member leaves alone is sent with the text it was opened with.
                        "value": values.get(inner["custom_id"], inner.get("value") or ""),
                    }
                elif inner.get("type") in (3, 5, 6, 7, 8):
                    picked = values.get(inner["custom_id"], [])
                    sub = {
                        "type": inner["type"],
                        "custom_id": inner["custom_id"],
                        "values": list(picked),
                    }
                else:
                    continue
                out.append({"type": 18, "id": comp.get("id", 0), "component": sub})
        return out
