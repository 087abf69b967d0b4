"""`doctor --online`: log in over HTTP only (no gateway), then check the application's settings
and, for every server in the store, the channels heroes-bot posts in and its news role."""

from __future__ import annotations

import discord

from bot.client import bot_intents
from bot.config import Config
from bot.invite import SCOPES, invite_permissions, invite_url, user_install_url
from bot.runner import UNREACHABLE, describe_unreachable

from .local import RESET_TOKEN
from .report import Check
from .servers import server_checks

PORTAL = "https://discord.com/developers/applications"
# The privileged intents: discord.py's name, Discord's name, and the application flags saying
# the portal has it on (full or limited).
PRIVILEGED = (
    ("members", "Server Members", ("gateway_guild_members", "gateway_guild_members_limited")),
    ("presences", "Presence", ("gateway_presence", "gateway_presence_limited")),
    (
        "message_content",
        "Message Content",
        ("gateway_message_content", "gateway_message_content_limited"),
    ),
)


async def online_checks(settings: Config) -> list[Check]:
    """Every online check; a refused token, an unreachable Discord or an unexpected answer ends
    them with one ✗ line, after those already made."""
    if settings.token is None:
        return [Check.failed("Discord: no DISCORD_TOKEN to log in with", "set it (see above)")]
    client = discord.Client(intents=bot_intents())
    checks: list[Check] = []
    try:
        await client.login(settings.token.reveal())  # HTTP only: no gateway connection
        app = client.application or await client.application_info()
        checks.append(
            Check.passed(f"Discord accepts DISCORD_TOKEN: {client.user} (application {app.id})")
        )
        checks += [intents_check(app), *install_checks(app)]
        checks.append(Check.passed(f"invite link: {invite_url(app.id)}"))
        if app.user_integration_config is not None:  # members may add it to their account
            checks.append(Check.passed(f"user install link: {user_install_url(app.id)}"))
        checks += await server_checks(client, settings)
    except discord.LoginFailure:
        checks.append(Check.failed("Discord refused DISCORD_TOKEN", RESET_TOKEN))
    except UNREACHABLE as exc:
        checks.append(
            Check.failed(
                f"Discord cannot be reached ({describe_unreachable(exc)})",
                "check this machine's network and DNS, then try again",
            )
        )
    except discord.HTTPException as exc:  # an answer no check expects: say it, no traceback
        checks.append(
            Check.failed(
                f"Discord answered {exc.status} ({exc.text or 'no message'})",
                "try again later; if it stays, see https://discordstatus.com",
            )
        )
    finally:
        await client.close()
    return checks


def intents_check(app: discord.AppInfo) -> Check:
    needed = bot_intents()
    missing = [
        label
        for name, label, flags in PRIVILEGED
        if getattr(needed, name) and not any(getattr(app.flags, f) for f in flags)
    ]
    if missing:  # never today: heroes-bot asks for no privileged intent
        return Check.failed(
            f"intents: heroes-bot needs {', '.join(missing)}",
            f"switch it on in {PORTAL} (Bot > Privileged Gateway Intents)",
        )
    unused = [
        label
        for name, label, flags in PRIVILEGED
        if not getattr(needed, name) and any(getattr(app.flags, f) for f in flags)
    ]
    note = f" ({', '.join(unused)} is on in the portal, unused: you may switch it off)" * bool(
        unused
    )
    return Check.passed(f"intents: heroes-bot needs no privileged intent{note}")


def install_checks(app: discord.AppInfo) -> list[Check]:
    if app.bot_require_code_grant:
        return [
            Check.failed(
                "install settings: the application requires an OAuth2 code grant",
                f"switch off Requires OAuth2 Code Grant in {PORTAL} (Bot): invites fail with it on",
            )
        ]
    guild_install = app.guild_integration_config
    if guild_install is None and app.user_integration_config is not None:
        return [
            Check.failed(
                "install settings: Guild Install is off, so no server can add heroes-bot",
                f"switch on Guild Install in {PORTAL} (Installation > Installation Contexts)",
            )
        ]
    params = app.install_params or (guild_install.oauth2_install_params if guild_install else None)
    who = "" if app.bot_public else " (Public Bot is off: only you can add it to servers)"
    who += (
        "; User Install is on: members can also add it to their own account"
        if app.user_integration_config is not None
        else "; User Install is off: members cannot add it to their own account (optional: "
        "Installation > Installation Contexts)"
    )
    if params is None:
        return [Check.passed(f"install settings: guild install, no default install link{who}")]
    scopes = [scope for scope in SCOPES if scope not in params.scopes]
    if scopes:
        return [
            Check.failed(
                f"install settings: the portal's install link lacks the scope {', '.join(scopes)}",
                f"add the scopes {' and '.join(SCOPES)} in {PORTAL} (Installation > Default "
                "Install Settings), or invite with the link below",
            )
        ]
    lacking = [
        name for name, on in invite_permissions() if on and not getattr(params.permissions, name)
    ]
    if lacking:
        words = ", ".join(name.replace("_", " ").title() for name in lacking)
        return [
            Check.failed(
                f"install settings: the portal's install link leaves out {words}",
                f"add them in {PORTAL} (Installation > Default Install Settings), or invite "
                "with the link below",
            )
        ]
    return [
        Check.passed(
            f"install settings: the portal's install link asks for all heroes-bot needs{who}"
        )
    ]
