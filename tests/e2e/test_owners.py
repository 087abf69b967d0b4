"""Who may use owner-only commands when OWNER_IDS is empty: the real bot reads the team that the
emulator's GET /oauth2/applications/@me reports."""

from __future__ import annotations

from pathlib import Path

from bot.client import OWNERS_FRESH_FOR
from bot.config import Config
from discord_emulator import Emulator, FakeClock
from tests.e2e.harness import assert_clean, running_bot

INVITED, ACCEPTED = 1, 2


async def test_read_only_and_pending_team_members_are_not_owners(tmp_path: Path) -> None:
    async with Emulator(heartbeat_interval=5.0) as emu:
        guild = emu.add_guild("Heroes HQ")
        team_owner = emu.add_user("team-owner")
        admin = emu.add_user("admin")
        developer = emu.add_user("developer")
        read_only = emu.add_user("read-only")
        invited_admin = emu.add_user("invited-admin")
        invited_developer = emu.add_user("invited-developer")
        emu.set_team(
            team_owner,
            [
                (admin, ACCEPTED, "admin"),
                (developer, ACCEPTED, "developer"),
                (read_only, ACCEPTED, "read_only"),
                (invited_admin, INVITED, "admin"),
                (invited_developer, INVITED, "developer"),
            ],
        )
        settings = Config(token=None, database_path=tmp_path / "heroes.db")
        async with running_bot(emu, settings) as (bot, _):
            opened = {}
            for user in (
                team_owner,
                admin,
                developer,
                read_only,
                invited_admin,
                invited_developer,
                emu.app.owner,  # the emulator's default owner, not in the team
            ):
                handle = await emu.slash("sequel-admin post", guild=guild, user=user)
                opened[user.username] = (await handle.response()).type == 9  # the form
            assert opened == {
                "team-owner": True,
                "admin": True,
                "developer": True,
                "read-only": False,
                "invited-admin": False,
                "invited-developer": False,
                "owner": False,
            }
            assert bot.owner_ids == {team_owner.id, admin.id, developer.id}
        assert_clean(emu)


async def test_team_member_made_read_only_loses_owner_rights_without_a_restart(
    tmp_path: Path,
) -> None:
    # The owners were read once, at login: a developer the team demoted to read-only (or
    # removed) kept posting to every following server until the bot happened to restart.
    async with Emulator(heartbeat_interval=5.0) as emu:
        guild = emu.add_guild("Heroes HQ")
        team_owner = emu.add_user("team-owner")
        developer = emu.add_user("developer")
        emu.set_team(team_owner, [(developer, ACCEPTED, "developer")])
        settings = Config(token=None, database_path=tmp_path / "heroes.db")
        clock = FakeClock()  # the bot's: an hour passes in a call, not in an hour
        async with running_bot(emu, settings, clock=clock) as (bot, _):

            async def opens_the_form() -> bool:
                handle = await emu.slash("sequel-admin post", guild=guild, user=developer)
                return (await handle.response()).type == 9

            assert await opens_the_form()
            emu.set_team(team_owner, [(developer, ACCEPTED, "read_only")])
            clock.advance(OWNERS_FRESH_FOR + 1)
            assert not await opens_the_form()
            assert bot.owner_ids == {team_owner.id}
        assert_clean(emu)
