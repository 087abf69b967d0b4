"""A broadcaster that serves only some servers (one shard's process, or the sandbox on the live
database) delivers to those, and leaves every other server's delivery untouched."""

from __future__ import annotations

from bot.store import Store
from tests.engines import both_engines
from tests.features.sequel.test_broadcast import add, broadcaster, channel_of, follow_many
from tests.tracker_fakes import FakeClock, FakePoster

# The tracker's repository is proven on both store engines (tests/engines.py).
pytestmark = both_engines


async def test_shard_delivers_its_servers_past_full_batches_of_other_shards_untouched(
    store: Store,
) -> None:
    # 250 followers; this process serves the last 50. The first 200 deliveries are other
    # shards': they must neither stop this shard nor be sent, failed or claimed by it.
    clock = FakeClock()
    guilds = await follow_many(store, clock, count=250)
    update_id = await add(store, clock)
    mine = {g for g in guilds if g > 200}
    poster = FakePoster(missing={channel_of(g) for g in guilds if g not in mine})
    shard = broadcaster(store, poster, clock, guilds=lambda: mine)
    await shard.run_pass()
    assert {p.channel_id for p in poster.posted} == {channel_of(g) for g in mine}
    assert poster.attempts == len(mine)
    states = {d.guild_id: (d.state, d.attempts) for d in await store.tracker.deliveries(update_id)}
    assert {states[g] for g in mine} == {("sent", 1)}
    assert {states[g] for g in guilds if g not in mine} == {("pending", 0)}
    follows = [await store.tracker.get_follow(g) for g in guilds]
    assert all(f is not None and f.active for f in follows)
