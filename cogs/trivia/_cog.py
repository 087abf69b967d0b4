"""/trivia play, /trivia leaderboard and /trivia forget-me."""

from __future__ import annotations

import logging
import random
from collections import deque
from datetime import timedelta

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.errors import UserFacingError
from bot.i18n import N_, _, use_locale
from bot.policy import PRIVATE_DESCRIBE, ReplyPolicy, guild_only, in_guild
from bot.server_locale import server_locale
from bot.ui.privacy import forget_reply

from ._questions import generate_questions, load_material, pick_question
from ._render import leaderboard_embed
from ._service import TriviaGame

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 30
MAX_SECONDS = 120  # the longest a question stays open
# A round still open this long after the longest question could have closed is nobody's.
STALE_GRACE_SECONDS = 60
SESSION_WINDOW = 600.0  # players of a question closed this recently are waited for at the next
RECENT_QUESTIONS = 12  # per channel, not asked again until the others have been
LEADERBOARD_SIZE = 10


# Server installs, in servers only (bot/policy.py), also /trivia play: its questions and scores
# are kept per server (the leaderboard, forget-me, deleted when the bot leaves). Through a
# member's own install it would keep scores for servers and group DMs whose people never added
# the bot, which the bot leaving could never clear.
@guild_only()
class Trivia(commands.GroupCog, group_name="trivia"):
    """Multiple-choice questions about the film and its sequel, with scores per server."""

    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.games: dict[int, TriviaGame] = {}  # channel id -> the question open there
        self._starting: set[int] = set()
        self._last_players: dict[int, tuple[int, frozenset[int], float]] = {}
        self._recent: dict[int, deque[str]] = {}
        self.rng = random.Random()
        self.refresh_delay = 2.0
        self.clock = bot.clock  # questions close, and their counts refresh, on the bot's clock
        # A question is always asked publicly (no `private` option): every play is charged.
        self.play_replies = ReplyPolicy(
            bot.store,
            PublicCooldown(
                "/trivia play",
                clock=bot.clock,
                member=(3, 60.0),
                channel=(6, 60.0),
                private_option=False,
            ),
        )
        self.board_replies = ReplyPolicy(
            bot.store, PublicCooldown("/trivia leaderboard", clock=bot.clock)
        )

    async def cog_load(self) -> None:
        # Only rounds older than the longest question: another process (shard) sharing the
        # database may have one open right now.
        now = self.bot.clock.now()
        stale = await self.bot.store.trivia.close_stale_rounds(
            started_before=now - timedelta(seconds=MAX_SECONDS + STALE_GRACE_SECONDS), now=now
        )
        if stale:
            log.info("closed %d trivia questions left open by a previous run", stale)

    async def cog_unload(self) -> None:
        for game in list(self.games.values()):
            await game.close(note=N_("The bot restarted, so this question closed early."))

    # ------------------------------------------------------------------ /trivia play

    @app_commands.command(name="play")
    @app_commands.describe(seconds="How long the question stays open: 10 to 120 seconds (30)")
    async def play(
        self,
        interaction: Interaction,
        seconds: app_commands.Range[int, 10, MAX_SECONDS] = DEFAULT_SECONDS,
    ) -> None:
        """Ask a multiple-choice question here; everyone may answer once."""
        guild_id, channel_id = in_guild(interaction).guild_id, interaction.channel_id
        if channel_id is None:  # Discord always names the channel of a slash command
            raise UserFacingError(_("Trivia needs a channel to ask in."))
        if channel_id in self.games or channel_id in self._starting:
            await self._refuse_running(interaction, channel_id)
            return
        await self.play_replies.decide(interaction, private=False)
        self._starting.add(channel_id)
        try:
            await self._start(interaction, guild_id, channel_id, float(seconds))
        finally:
            self._starting.discard(channel_id)

    async def _refuse_running(self, interaction: Interaction, channel_id: int) -> None:
        game = self.games.get(channel_id)
        if game is None or game.message is None:
            text = _("A question is starting in this channel right now — answer that one first.")
        else:
            # Translators: {link} is the question's message link, {closes} a live countdown.
            text = _(
                "A question is already running in this channel: answer it here {link} — it "
                "closes {closes}. One question at a time per channel."
            ).format(link=game.message.jump_url, closes=f"<t:{game.closes_at}:R>")
        await interaction.response.send_message(text, ephemeral=True)

    async def _start(
        self, interaction: Interaction, guild_id: int, channel_id: int, seconds: float
    ) -> None:
        store = self.bot.store
        # The question is the whole channel's: asked, counted and revealed in the server's
        # language (its frames; the facts, names and quotes in it are shown as stored).
        locale = await server_locale(self.bot, guild_id)
        material = await load_material(store)
        with use_locale(locale):
            questions = generate_questions(material, self.rng)
        recent = self._recent.setdefault(channel_id, deque(maxlen=RECENT_QUESTIONS))
        question = pick_question(questions, self.rng, recent=recent)
        if question is None:
            raise UserFacingError(_("The store holds too little to make a question yet."))
        round_id = await store.trivia.open_round(
            guild_id, channel_id, question.key, question.answer, now=self.bot.clock.now()
        )
        if round_id is None:  # another process, or a race the in-memory check did not see
            await self._refuse_running(interaction, channel_id)
            return
        recent.append(question.key)
        game = TriviaGame(
            store=store,
            question=question,
            round_id=round_id,
            guild_id=guild_id,
            channel_id=channel_id,
            seconds=seconds,
            clock=self.clock,
            expected=self._expected(channel_id),
            on_closed=self._on_closed,
            refresh_delay=self.refresh_delay,
            locale=locale,
        )
        self.games[channel_id] = game
        try:
            callback = await interaction.response.send_message(embed=game.embed(), view=game.view)
            # The question's message, with its link, from Discord's answer (no request for it).
            message = callback.resource
            if not isinstance(message, discord.InteractionMessage):
                message = await interaction.original_response()
            game.view.message = message
        except BaseException:
            await game.close()
            raise
        game.start()

    def _expected(self, channel_id: int) -> frozenset[int]:
        last = self._last_players.get(channel_id)
        if last is None or self.clock.monotonic() - last[2] > SESSION_WINDOW:
            return frozenset()
        return last[1]

    def _on_closed(self, game: TriviaGame) -> None:
        if self.games.get(game.channel_id) is game:
            del self.games[game.channel_id]
        players = game.players()
        if players:
            self._last_players[game.channel_id] = (game.guild_id, players, self.clock.monotonic())

    # ------------------------------------------------------------------ scores

    @app_commands.command(name="leaderboard")
    @app_commands.describe(private=PRIVATE_DESCRIBE)
    async def leaderboard(self, interaction: Interaction, private: bool | None = None) -> None:
        """This server's top 10 trivia players, and your own rank."""
        guild_id = in_guild(interaction).guild_id
        trivia = self.bot.store.trivia
        top = await trivia.leaderboard(guild_id, LEADERBOARD_SIZE)
        mine = await trivia.standing(guild_id, interaction.user.id)
        players = await trivia.player_count(guild_id)
        ephemeral = await self.board_replies.decide(interaction, private)
        # Translators: where the leaderboard's scores are from, in its title.
        embed = leaderboard_embed(top, mine, players=players, where=_("this server"))
        await interaction.response.send_message(embed=embed, ephemeral=ephemeral)

    @app_commands.command(name="forget-me")
    @app_commands.describe(
        everywhere="Also in every other server, including ones you left (default: only here)"
    )
    async def forget_me(self, interaction: Interaction, everywhere: bool = False) -> None:
        """Delete what the bot keeps about you here: trivia score, name, your id on settings."""
        guild_id = in_guild(interaction).guild_id
        user_id = interaction.user.id
        # Every feature's rows, as declared in bot/store/_stored_data.py (not only trivia's).
        report = await self.bot.store.lifecycle.forget_member(
            user_id, None if everywhere else guild_id
        )
        for game in self.games.values():
            if everywhere or game.guild_id == guild_id:
                game.forget(user_id)
        for channel_id, (guild, players, when) in list(self._last_players.items()):
            if (everywhere or guild == guild_id) and user_id in players:
                self._last_players[channel_id] = (guild, players - {user_id}, when)
        await interaction.response.send_message(
            forget_reply(report, everywhere=everywhere), ephemeral=True
        )

    # ------------------------------------------------------------------ leaving a server

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        for game in [g for g in self.games.values() if g.guild_id == guild.id]:
            await game.close(note=N_("The bot left this server."))
        for channel_id, (guild_id, _players, _when) in list(self._last_players.items()):
            if guild_id == guild.id:
                del self._last_players[channel_id]
