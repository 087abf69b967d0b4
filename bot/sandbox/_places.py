"""Where the person at the sandbox prompt types their commands: the sandbox server (the bot is
in it), their DM with the bot, or places only their own install of the app reaches (a user
install): a group DM, a DM with a friend, a server without the bot.

`where` lists the places, `where group` goes there. The sandbox installs the app to the person's
account too, so the information commands answer everywhere, and the server commands are refused
where Discord's client would not offer them.
"""

from __future__ import annotations

import msgspec

from bot.sandbox._parse import ParseError
from discord_emulator import Channel, Emulator, Guild, User

FRIEND = "friend"


class Place(msgspec.Struct, frozen=True):
    label: str  # shown in the prompt and by `where`
    guild: Guild | None
    channel: Channel


# Each place the person can go to, by the name they type after `where`.
DESCRIPTIONS = {
    "server": "the sandbox server (the bot is in it)",
    "dm": "your DM with the bot",
    "group": "a group DM with a friend (only your user install reaches it)",
    "friend-dm": "your DM with a friend (only your user install reaches it)",
    "elsewhere": "a server without the bot (only your user install reaches it)",
}


class Places:
    """The places of the sandbox, made on first visit, and the current one."""

    def __init__(self, emu: Emulator, me: User, guild: Guild, channel: Channel) -> None:
        self.emu = emu
        self.me = me
        emu.install_for_user(me)  # the person has installed the app to their own account too
        self._made: dict[str, Place] = {"server": Place("server", guild, channel)}
        self.here = self._made["server"]

    def _friend(self) -> User:
        known = [u for u in self.emu.state.users.values() if u.username == FRIEND]
        return known[0] if known else self.emu.add_user(FRIEND, guilds=[])

    def _make(self, name: str) -> Place:
        emu, me = self.emu, self.me
        if name == "dm":
            return Place("DM with the bot", None, emu.state.dm_channel(me))
        if name == "group":
            return Place("group DM", None, emu.add_group_dm(me, self._friend()))
        if name == "friend-dm":
            return Place("DM with a friend", None, emu.add_user_dm(me, self._friend()))
        guild = emu.add_guild_without_bot("Fan server", members=[me, self._friend()])
        return Place("server without the bot", guild, next(iter(guild.channels.values())))

    def go(self, name: str) -> str:
        """Move to the place called `name`; what to say back."""
        name = name.strip().lower()
        if name not in DESCRIPTIONS:
            raise ParseError(f"no place called {name!r}: " + ", ".join(DESCRIPTIONS))
        if name not in self._made:
            self._made[name] = self._make(name)
        self.here = self._made[name]
        return f"(you are now in {DESCRIPTIONS[name]})"

    def describe(self) -> str:
        lines = [f"You are in: {self.here.label}. Go elsewhere with `where <place>`:"]
        lines += [f"  where {name:<10} {text}" for name, text in DESCRIPTIONS.items()]
        return "\n".join(lines)

    def channels(self) -> list[Channel]:
        """The channels of every place visited, beyond the sandbox server's own."""
        return [place.channel for name, place in self._made.items() if name != "server"]

    def prompt(self) -> str:
        """`heroes> ` in the server with an English client; else where and which language:
        `heroes [group DM · es-419]> `."""
        tags = [] if self.here.label == "server" else [self.here.label]
        if self.me.locale != "en-US":
            tags.append(self.me.locale)
        return f"heroes [{' · '.join(tags)}]> " if tags else "heroes> "
