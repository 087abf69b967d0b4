"""Who counts as a bot owner when OWNER_IDS is empty: the application's owner, or its team's.

A team member is an owner only once they have accepted the invitation and hold a role that can
already act on the application (admin or developer); the team's owner always counts. Read-only
members and pending invitees are not owners: a read-only seat, or an invitation nobody accepted,
must not let someone post to every following server. discord.py 2.7's own fallback checks the
role but not the membership state, so the bot decides this itself.
"""

from __future__ import annotations

import discord

OWNER_ROLES = frozenset({discord.TeamMemberRole.admin, discord.TeamMemberRole.developer})


def application_owners(app: discord.AppInfo) -> frozenset[int]:
    """The user ids allowed owner-only actions, from the application as Discord reports it."""
    team = app.team
    if team is None:
        return frozenset({app.owner.id}) if app.owner else frozenset()
    owners = {
        member.id
        for member in team.members
        if member.membership_state is discord.TeamMembershipState.accepted
        and member.role in OWNER_ROLES
    }
    if team.owner_id is not None:
        owners.add(team.owner_id)
    return frozenset(owners)
