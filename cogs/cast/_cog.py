"""/cast: the whole cast, or one person's card, found forgivingly by name."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.i18n import _, format_list
from bot.policy import PRIVATE_DESCRIBE, ReplyPolicy, everywhere
from bot.replies import choice, escape_input
from bot.ui.render_memo import RenderMemo
from bot.ui.views import Paginator

from ._render import cast_pages, person_card

# A suggestion's value carries the person's stable key, so picking one can't be ambiguous.
KEY_PREFIX = "person:"
# The longest name option, declared to Discord and re-checked by the tree. What a member is still
# typing (autocomplete) is checked by neither, so suggestions cut it to this before matching.
NAME_MAX = 100


class Cast(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.replies = ReplyPolicy(bot.store, PublicCooldown("/cast", clock=bot.clock))
        # Each card is rendered once per state of the store, not once per command.
        self.person_cards = RenderMemo(person_card, size=32)
        # The cast's pages too: every /cast paginator alive (3 minutes each) shares one list of
        # page embeds instead of building its own (200 paginators held ~200,000 more objects for
        # the collector to walk, and several MB).
        self.cast_page_sets = RenderMemo(cast_pages)

    @everywhere
    @app_commands.command(name="cast")
    @app_commands.describe(
        name="A name, or part of one: 'pedro', 'Holbrook', 'blair'", private=PRIVATE_DESCRIBE
    )
    async def cast(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, NAME_MAX] | None = None,
        private: bool | None = None,
    ) -> None:
        """The cast of We Can Be Heroes, or one person's card."""
        store = self.bot.store
        if name is None:
            pages = self.cast_page_sets(await store.cast())
            ephemeral = await self.replies.decide(interaction, private)
            paginator = Paginator(pages, interaction.user.id, command_hint="/cast")
            await paginator.send(interaction, ephemeral=ephemeral)
            return

        key = name.removeprefix(KEY_PREFIX) if name.startswith(KEY_PREFIX) else None
        if key is None:
            matches = await store.find_people(name, limit=5)
            top = [m for m in matches if matches and m.score == matches[0].score]
            if len(top) == 1:
                key = top[0].person_key
            elif top:
                # Translators: {names} are the people's names, joined as "A, B or C".
                text = _(
                    "Several people match “{name}”: {names}. "
                    "Pick one from the suggestions as you type."
                )
                names = format_list([m.name for m in top], style="or")
                await interaction.response.send_message(
                    text.format(name=escape_input(name), names=names), ephemeral=True
                )
                return
        person = await store.person(key) if key else None
        if person is None:
            await interaction.response.send_message(await self._unknown(name), ephemeral=True)
            return
        ephemeral = await self.replies.decide(interaction, private)
        await interaction.response.send_message(
            embed=self.person_cards(person), ephemeral=ephemeral
        )

    async def _unknown(self, name: str) -> str:
        """The refusal of a name nobody has, with the closest names if any."""
        closest = await self.bot.store.closest_people(name)
        if closest:
            # Translators: {names} are the closest people's names, joined as "A, B and C".
            text = _("I don't know anyone called “{name}”. Closest: {names}.")
            return text.format(
                name=escape_input(name), names=format_list([m.name for m in closest])
            )
        text = _("I don't know anyone called “{name}”. Try /cast with no name for the whole list.")
        return text.format(name=escape_input(name))

    @cast.autocomplete("name")
    async def cast_name_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        matches = await self.bot.store.find_people(current[:NAME_MAX], limit=25)
        return [
            choice(
                # The name as the source prints it; the spelling typed only to say why it matched.
                m.name if m.matched == m.name else _found_by(m.name, m.matched),
                KEY_PREFIX + m.person_key,
            )
            for m in matches
        ]


def _found_by(name: str, spelling: str) -> str:
    # Translators: an autocomplete suggestion (at most 100 characters): the person's name, then
    # the other spelling of it that was typed.
    return _("{name} (found by “{spelling}”)").format(name=name, spelling=spelling)


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Cast(bot))
