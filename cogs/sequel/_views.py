"""The persistent Notify me / Stop notifying me buttons, and checks on the news role.

The buttons are DynamicItems: their custom_id carries the server id, and the bot registers the
template at start-up, so buttons on posts made before a restart keep working.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.store import Store

log = logging.getLogger(__name__)

NOTIFY_TEMPLATE = r"heroes:notify:(?P<action>on|off):(?P<guild_id>[0-9]{1,20})"


def role_problem(me: discord.Member, role: discord.Role) -> str | None:
    """Why the bot cannot give `role` to members, or None when it can."""
    if role.is_default():
        return "@everyone can't be the news role: pick a role members can opt in to."
    if role.managed:
        return (
            f"{role.mention} is managed by an integration (a bot's role, the booster role…), "
            "so it can't be given to members. Pick or create another role."
        )
    if not me.guild_permissions.manage_roles:
        return (
            f"I need the **Manage Roles** permission to give members {role.mention} when they "
            "press Notify me. Grant it to my role in Server Settings → Roles, then try again."
        )
    if role >= me.top_role:
        return (
            f"{role.mention} sits at or above my highest role ({me.top_role.mention}), so I "
            "can't give it to anyone. Drag my role above it in Server Settings → Roles."
        )
    return None


class NotifyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=NOTIFY_TEMPLATE):
    """Adds (on) or removes (off) the server's news role for whoever presses it."""

    def __init__(self, action: str, guild_id: int) -> None:
        on = action == "on"
        super().__init__(
            discord.ui.Button(
                label="Notify me" if on else "Stop notifying me",
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

    async def callback(self, interaction: discord.Interaction) -> None:
        store: Store = interaction.client.store  # type: ignore[attr-defined]
        text = await toggle_notify(interaction, store, self.guild_id, on=self.action == "on")
        await interaction.response.send_message(text, ephemeral=True)


def notify_view(guild_id: int) -> discord.ui.View:
    """The two persistent buttons, for a /sequel status reply or a news post."""
    view = discord.ui.View(timeout=None)
    view.add_item(NotifyButton("on", guild_id))
    view.add_item(NotifyButton("off", guild_id))
    return view


async def toggle_notify(
    interaction: discord.Interaction, store: Store, guild_id: int, *, on: bool
) -> str:
    """Give or take the news role; returns what to tell the member (always ephemerally)."""
    guild = interaction.guild
    member = interaction.user
    if guild is None or guild.id != guild_id or isinstance(member, discord.User):
        return "These buttons work only in the server where they were posted."
    follow = await store.tracker.get_follow(guild_id)
    if follow is None or not follow.active:
        return (
            "This server doesn't follow the sequel news any more, so there is nothing to opt in to."
        )
    if follow.role_id is None:
        return (
            "This server's news posts don't mention a role, so there is nothing to opt in to: "
            "just keep an eye on the news channel."
        )
    role = guild.get_role(follow.role_id)
    if role is None:
        return (
            "The news role no longer exists. Ask a server manager to run "
            "/sequel-admin follow again with a role."
        )
    has_role = member.get_role(role.id) is not None
    if on and has_role:
        return f"You already have {role.mention}: you'll be mentioned in each sequel update."
    if not on and not has_role:
        return f"You don't have {role.mention}, so you're not being mentioned already."
    problem = role_problem(guild.me, role)
    if problem:
        return problem + " (Tell a server manager.)"
    try:
        if on:
            await member.add_roles(role, reason="Opted in to sequel news (Notify me button)")
        else:
            await member.remove_roles(role, reason="Opted out of sequel news (button)")
    except discord.Forbidden as exc:
        log.warning("could not change role %s for a member of %s: %s", role.id, guild.id, exc)
        return (
            f"Discord refused to change {role.mention} for you ({exc.text or 'Forbidden'}). "
            "A server manager should check that my role is above it and has Manage Roles."
        )
    if on:
        return f"Done: you now have {role.mention} and will be mentioned in each sequel update."
    return f"Done: {role.mention} removed; you won't be mentioned any more."
