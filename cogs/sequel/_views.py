"""The persistent Notify me / Stop notifying me buttons, and checks on the news role.

The buttons are DynamicItems: their custom_id carries the server id, and the bot registers the
template at start-up, so buttons on posts made before a restart keep working.

The bot gives the news role to anyone who presses Notify me, so the role must give nothing that
@everyone doesn't already have (issue 9): no extra permission in the server or in any channel,
chosen by a member who could give it themselves. All of it is checked again at every press,
because roles and permissions change after /sequel-admin follow.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
import msgspec
from discord import app_commands

from bot.clock import Clock
from bot.cooldowns import format_wait
from bot.i18n import N_, _, format_list, format_number, join_clauses, ngettext
from bot.store import Store
from bot.ui.embeds import shorten
from bot.ui.views import admitted

log = logging.getLogger(__name__)

NOTIFY_TEMPLATE = r"heroes:notify:(?P<action>on|off):(?P<guild_id>[0-9]{1,20})"


# Discord's names for permissions, where discord.py's attribute name reads differently
# (translated where shown, as Discord's settings show them in the member's language).
PERMISSION_LABELS = {
    "manage_guild": N_("Manage Server"),
    "moderate_members": N_("Timeout Members"),
    "mention_everyone": N_("Mention @everyone, @here and All Roles"),
    "view_guild_insights": N_("View Server Insights"),
    "send_tts_messages": N_("Send Text-to-Speech Messages"),
    "external_emojis": N_("Use External Emojis"),
    "external_stickers": N_("Use External Stickers"),
    "use_voice_activation": N_("Use Voice Activity"),
    "use_embedded_activities": N_("Use Activities"),
    "manage_expressions": N_("Manage Expressions"),
    "create_expressions": N_("Create Expressions"),
}
# Permissions per member for the Notify buttons: each press is a role API call, and Discord
# limits those per server, so one member mashing the button must not use the server's share.
NOTIFY_RATE = (3, 10.0)
# How long the check "the member who chose the role can still give it" is reused (it costs an
# API call to fetch that member: the bot has no member list).
GRANTER_RECHECK = 60.0
PRUNE_ABOVE = 1024
CHANNELS_SHOWN = 3


def permission_names(value: int) -> list[str]:
    """Discord's names of the permissions in `value`."""
    names = [
        _(PERMISSION_LABELS[name]) if name in PERMISSION_LABELS else name.replace("_", " ").title()
        for name, granted in discord.Permissions(value)
        if granted
    ]
    unknown = value & ~discord.Permissions.all().value
    if unknown:
        # Translators: {bits} is a hexadecimal number (0x…).
        names.append(
            _("permissions unknown to this bot (bits {bits})").format(bits=f"{unknown:#x}")
        )
    return names


def _listed(names: list[str]) -> str:
    return format_list([f"**{name}**" for name in names])


def role_problem(me: discord.Member, role: discord.Role) -> str | None:
    """Why the bot cannot give `role` to members, or None when it can."""
    if role.is_default():
        return _("@everyone can't be the news role: pick a role members can opt in to.")
    if role.managed:
        return _(
            "{role} is managed by an integration (a bot's role, the booster role…), "
            "so it can't be given to members. Pick or create another role."
        ).format(role=role.mention)
    if not me.guild_permissions.manage_roles:
        return _(
            "I need the **Manage Roles** permission to give members {role} when they "
            "press Notify me. Grant it to my role in Server Settings → Roles, then try again."
        ).format(role=role.mention)
    if role >= me.top_role:
        return _(
            "{role} sits at or above my highest role ({my_role}), so I "
            "can't give it to anyone. Drag my role above it in Server Settings → Roles."
        ).format(role=role.mention, my_role=me.top_role.mention)
    return None


def role_permission_problem(guild: discord.Guild, role: discord.Role) -> str | None:
    """Why `role` is unsafe to hand to anyone who presses a button: the permissions it gives
    beyond @everyone's, in the server and through channel overwrites. None when it gives none."""
    everyone = guild.default_role
    extra = role.permissions.value & ~everyone.permissions.value
    where: list[str] = []
    if extra:
        where.append(
            _("in the server: {permissions}").format(permissions=_listed(permission_names(extra)))
        )
    channels = []
    for channel in guild.channels:
        if channel.overwrites_for(role).is_empty():
            continue
        gained = (
            channel.permissions_for(role).value & ~channel.permissions_for(everyone).value & ~extra
        )
        if gained:
            channels.append(
                _("in {channel}: {permissions}").format(
                    channel=channel.mention, permissions=_listed(permission_names(gained))
                )
            )
    # A few channels say enough, and keep the reply within Discord's 2000 characters.
    where += channels[:CHANNELS_SHOWN]
    more = len(channels) - CHANNELS_SHOWN
    if more > 0:
        where.append(
            ngettext("and in {count} more channel", "and in {count} more channels", more).format(
                count=format_number(more)
            )
        )
    if not where:
        return None
    # Translators: {places} lists where the role gives permissions, joined with "; ".
    return _(
        "{role} gives permissions @everyone doesn't have — {places}. Anyone pressing Notify me "
        "would get them. Pick a role with no permissions of its own, or remove these from it "
        "(Server Settings → Roles → the role → Permissions, and the role's overrides in those "
        "channels' settings)."
    ).format(role=role.mention, places=join_clauses(where))


# Why a member could not give the news role themselves: a kind, written out where it is shown
# (in the reader's language; NotifyGuard keeps kinds, never the text of one member's answer).
NO_MANAGE_ROLES, BELOW_ROLE = "no-manage-roles", "below-role"
# Why the member who chose the news role can't be checked: nobody recorded, gone, not fetched.
NOT_RECORDED, LEFT, UNCHECKED = "not-recorded", "left", "unchecked"


class GranterGap(msgspec.Struct, frozen=True):
    kind: str  # one of the kinds above
    highest: str | None = None  # BELOW_ROLE: the mention of the member's highest role


def granter_gap(
    guild: discord.Guild, member: discord.Member, role: discord.Role
) -> GranterGap | None:
    """Why `member` could not give `role` to someone themselves (Discord's own rule: Manage
    Roles, and a highest role above it; the server owner may give any role). None if they can."""
    if member.id == guild.owner_id:
        return None
    if not member.guild_permissions.manage_roles:
        return GranterGap(NO_MANAGE_ROLES)
    if role >= member.top_role:
        return GranterGap(BELOW_ROLE, member.top_role.mention)
    return None


def granter_problem(guild: discord.Guild, member: discord.Member, role: discord.Role) -> str | None:
    """The refusal for /sequel-admin follow when the member running it can't give the role."""
    gap = granter_gap(guild, member, role)
    if gap is None:
        return None
    if gap.kind == NO_MANAGE_ROLES:
        text = _(
            "You can't pick {role}: the bot gives it to anyone who presses Notify me, so it must "
            "be a role you could give yourself, and your account doesn't have **Manage Roles**. "
            "Ask a member with Manage Roles and a role above it (or the server owner) to run "
            "this command."
        )
    else:
        text = _(
            "You can't pick {role}: the bot gives it to anyone who presses Notify me, so it must "
            "be a role you could give yourself, and your account has no role above {role} (their "
            "highest is {highest}). Ask a member with Manage Roles and a role above it (or the "
            "server owner) to run this command."
        )
    return text.format(role=role.mention, highest=gap.highest)


class NotifyGuard:
    """Per-bot state of the Notify buttons: the per-member press limit, and recent checks of
    the member who chose the news role, timed on the bot's clock."""

    def __init__(
        self,
        *,
        clock: Clock,
        rate: tuple[int, float] = NOTIFY_RATE,
        granter_recheck: float = GRANTER_RECHECK,
    ) -> None:
        self.rate = rate
        self.granter_recheck = granter_recheck
        self.clock = clock
        self._presses: dict[tuple[int, int], app_commands.Cooldown] = {}
        self._granters: dict[tuple[int, int, int], tuple[float, GranterGap | None]] = {}

    def press(self, guild_id: int, user_id: int) -> float:
        """Count one press; returns 0 if allowed, else the seconds until the next one is."""
        now = self.clock.monotonic()
        key = (guild_id, user_id)
        bucket = self._presses.get(key)
        if bucket is None:
            if len(self._presses) >= PRUNE_ABOVE:
                idle = [k for k, b in self._presses.items() if b.get_tokens(now) >= b.rate]
                for k in idle:
                    del self._presses[k]
            bucket = self._presses[key] = app_commands.Cooldown(*self.rate)
        return bucket.update_rate_limit(now) or 0.0

    async def granter_problem(
        self, guild: discord.Guild, chooser_id: int | None, role: discord.Role
    ) -> GranterGap | None:
        """Why the member who chose `role` in /sequel-admin follow can't give it any more."""
        if chooser_id is None:
            return GranterGap(NOT_RECORDED)
        if chooser_id == guild.owner_id:
            return None
        key = (guild.id, chooser_id, role.id)
        now = self.clock.monotonic()
        seen = self._granters.get(key)
        if seen is not None and now - seen[0] < self.granter_recheck:
            return seen[1]
        member = guild.get_member(chooser_id)
        problem: GranterGap | None
        try:
            member = member or await guild.fetch_member(chooser_id)
        except discord.NotFound:
            problem = GranterGap(LEFT)
        except discord.HTTPException as exc:  # not cached: the next press asks again
            log.warning("could not fetch member %s of %s: %s", chooser_id, guild.id, exc)
            return GranterGap(UNCHECKED)
        else:
            problem = granter_gap(guild, member, role)
        if len(self._granters) >= PRUNE_ABOVE:
            self._granters.clear()
        self._granters[key] = (now, problem)
        return problem


def notify_guard(client: discord.Client) -> NotifyGuard:
    """The guard of the cog that registered the buttons (one per bot)."""
    guard = getattr(client.get_cog("Sequel"), "notify_guard", None)
    if not isinstance(guard, NotifyGuard):
        raise LookupError("the Sequel cog is not loaded")
    return guard


class NotifyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=NOTIFY_TEMPLATE):
    """Adds (on) or removes (off) the server's news role for whoever presses it."""

    def __init__(self, action: str, guild_id: int) -> None:
        on = action == "on"
        super().__init__(
            discord.ui.Button(
                # Translators: button labels (at most 80 characters).
                label=_("Notify me") if on else _("Stop notifying me"),
                emoji="🔔" if on else "🔕",
                style=discord.ButtonStyle.success if on else discord.ButtonStyle.secondary,
                custom_id=f"heroes:notify:{action}:{guild_id}",
            )
        )
        self.action = action
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> NotifyButton:
        return cls(match["action"], int(match["guild_id"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # Not a LoggedView's: admitted() sets the member's language and a clean stop's rules.
        return await admitted(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        store: Store = interaction.client.store  # type: ignore[attr-defined]
        guard = notify_guard(interaction.client)
        wait = guard.press(interaction.guild_id or 0, interaction.user.id)
        if wait:
            text = _(
                "One moment, please: these buttons change your roles, so they take {presses} "
                "presses every {seconds} seconds. Try again in {wait}."
            ).format(
                presses=format_number(guard.rate[0]),
                seconds=format_number(guard.rate[1]),
                wait=format_wait(wait),
            )
            await interaction.response.send_message(text, ephemeral=True)
            return
        # Answer Discord at once (3 s limit), before the role API call, which may wait on
        # Discord's rate limits; the outcome then replaces the "thinking…" message.
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await toggle_notify(
            interaction, store, self.guild_id, on=self.action == "on", guard=guard
        )
        await interaction.followup.send(shorten(text, 2000), ephemeral=True)


def notify_view(guild_id: int) -> discord.ui.View:
    """The two persistent buttons, for a /sequel status reply or a news post."""
    view = discord.ui.View(timeout=None)
    for button in notify_buttons(guild_id):
        view.add_item(button)
    return view


def notify_buttons(guild_id: int) -> list[discord.ui.Item[Any]]:
    """Notify me / Stop notifying me, persistent (DynamicItems): a classic view's or a card's."""
    return [NotifyButton("on", guild_id), NotifyButton("off", guild_id)]


async def _refuse_to_grant(
    guild: discord.Guild, role: discord.Role, followed_by: int | None, guard: NotifyGuard
) -> str | None:
    """Why the role is not given right now, or None. Checked again at every press: the role
    or the member who chose it may have changed since /sequel-admin follow."""
    unsafe = role_permission_problem(guild, role)
    if unsafe:
        log.warning("refused news role %s in %s: it gives permissions", role.id, guild.id)
        return _("I won't give you {role} right now. {problem} (Tell a server manager.)").format(
            role=role.mention, problem=unsafe
        )
    gap = await guard.granter_problem(guild, followed_by, role)
    if gap is None:
        return None
    return _chooser_refusal(gap.kind).format(
        role=role.mention, member=f"<@{followed_by}>", highest=gap.highest
    )


def _chooser_refusal(kind: str) -> str:
    """The refusal to give the news role because of the member who chose it, by kind of gap;
    placeholders {role}, {member} (who chose it) and {highest} (their highest role)."""
    if kind == NOT_RECORDED:
        return _(
            "I won't give you {role} right now: nobody is recorded as having chosen it, and the "
            "bot only gives a role the member who chose it could give themselves. A server "
            "manager should run /sequel-admin follow again."
        )
    if kind == LEFT:
        return _(
            "I won't give you {role} right now: {member}, who chose it, is no longer in the "
            "server, and the bot only gives a role the member who chose it could give "
            "themselves. A server manager should run /sequel-admin follow again."
        )
    if kind == UNCHECKED:
        return _(
            "I won't give you {role} right now: I couldn't check the member who chose it just "
            "now (try again in a moment), and the bot only gives a role the member who chose it "
            "could give themselves. A server manager should run /sequel-admin follow again."
        )
    if kind == NO_MANAGE_ROLES:
        return _(
            "I won't give you {role} right now: {member}, who chose it, now doesn't have "
            "**Manage Roles**, and the bot only gives a role the member who chose it could give "
            "themselves. A server manager should run /sequel-admin follow again."
        )
    return _(
        "I won't give you {role} right now: {member}, who chose it, now has no role above "
        "{role} (their highest is {highest}), and the bot only gives a role the member who "
        "chose it could give themselves. A server manager should run /sequel-admin follow again."
    )


async def _change_role(
    guild: discord.Guild, member: discord.Member, role: discord.Role, *, on: bool
) -> str | None:
    """Give or take the role; what Discord's refusal means for the member, or None when done."""
    try:
        if on:
            await member.add_roles(role, reason="Opted in to sequel news (Notify me button)")
        else:
            await member.remove_roles(role, reason="Opted out of sequel news (button)")
    except discord.Forbidden as exc:
        log.warning("could not change role %s for a member of %s: %s", role.id, guild.id, exc)
        # Translators: {reason} is Discord's own reason, in English.
        return _(
            "Discord refused to change {role} for you ({reason}). "
            "A server manager should check that my role is above it and has Manage Roles."
        ).format(role=role.mention, reason=exc.text or "Forbidden")
    except discord.HTTPException as exc:
        log.warning("role change %s in %s failed: %s", role.id, guild.id, exc)
        # Translators: {status} is an HTTP status code, such as 500.
        return _("Discord didn't change {role} just now ({status}). Please try again.").format(
            role=role.mention, status=exc.status
        )
    return None


async def toggle_notify(
    interaction: discord.Interaction,
    store: Store,
    guild_id: int,
    *,
    on: bool,
    guard: NotifyGuard,
) -> str:
    """Give or take the news role; returns what to tell the member (always ephemerally)."""
    guild = interaction.guild
    member = interaction.user
    if guild is None or guild.id != guild_id or isinstance(member, discord.User):
        return _("These buttons work only in the server where they were posted.")
    follow = await store.tracker.get_follow(guild_id)
    if follow is None or not follow.active:
        return _(
            "This server doesn't follow the sequel news any more, so there is nothing to opt in to."
        )
    if follow.role_id is None:
        return _(
            "This server's news posts don't mention a role, so there is nothing to opt in to: "
            "just keep an eye on the news channel."
        )
    role = guild.get_role(follow.role_id)
    if role is None:
        return _(
            "The news role no longer exists. Ask a server manager to run "
            "/sequel-admin follow again with a role."
        )
    has_role = member.get_role(role.id) is not None
    if on and has_role:
        return _("You already have {role}: you'll be mentioned in each sequel update.").format(
            role=role.mention
        )
    if not on and not has_role:
        return _("You don't have {role}, so you're not being mentioned already.").format(
            role=role.mention
        )
    problem = role_problem(guild.me, role)
    if problem:
        return _("{problem} (Tell a server manager.)").format(problem=problem)
    refused = await _refuse_to_grant(guild, role, follow.followed_by, guard) if on else None
    if refused is None:
        refused = await _change_role(guild, member, role, on=on)
    if refused is not None:
        return refused
    return _done_text(role, on=on, pinged=follow.mention_role)


def _done_text(role: discord.Role, *, on: bool, pinged: bool) -> str:
    """The confirmation of a press that changed the member's roles."""
    if on and not pinged:
        text = _(
            "Done: you now have {role}. News posts here don't ping it at the moment; "
            "a server manager can see why with /sequel-admin following."
        )
    elif on:
        text = _("Done: you now have {role} and will be mentioned in each sequel update.")
    else:
        text = _("Done: {role} removed; you won't be mentioned any more.")
    return text.format(role=role.mention)
