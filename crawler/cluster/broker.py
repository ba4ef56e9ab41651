"""The cluster's state in Redis, and the few atomic operations every process does on it.

A request popped from a plain scrapy-redis queue is gone from Redis: a worker killed after the
pop loses it. Here a pop is a *claim*: one Lua script moves the request from its queue to the
in-flight set with a deadline (Redis's clock plus the lease), and the request carries the
claim's id (its *lease*). The worker renews its leases while it is alive; a lease whose deadline
passes (its worker died) is put back in its queue by :meth:`Broker.reap`, up to
``max_deliveries`` times. A lease ends in one atomic step with what the request led to
(:meth:`Broker.settle`): the requests it found pushed to the queue, the article it gave pushed
to the results list, its counts added to its crawl run. So a request is at every moment in a
queue, in flight, or done with its outcome in Redis; nothing is lost between.

Each crawl run keeps ``pending``: requests queued or in flight plus results not yet archived.
When it falls to zero the archive node closes the run.

Keys (``P`` is the prefix): ``P:start`` and ``P:requests`` (sorted sets, the queues),
``P:inflight`` (lease → deadline), ``P:inflight:data`` / ``P:inflight:meta`` (lease → request,
and where it came from), ``P:tries`` (deliveries per request), ``P:seen`` (known article URLs →
when last seen), ``P:runs`` (open run → source), ``P:run:ID`` (a run's counts, source, entry
points' validators), ``P:run:ID:entries`` (entry points requested in the run),
``P:results`` and ``P:results:taken`` (messages for the archive node, and those it is storing).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.client import Pipeline
from redis.retry import Retry

logger = logging.getLogger(__name__)

# How long the processes keep retrying while Redis is unreachable (a restart, a failover)
# before giving up: about 2 minutes of backoff capped at 5 s.
REDIS_RETRIES = 30


def redis_params() -> dict[str, Any]:
    """Connection options that ride out a Redis restart instead of failing the first command."""
    return {
        "retry": Retry(ExponentialBackoff(cap=5.0, base=0.1), REDIS_RETRIES),
        "retry_on_error": [redis.ConnectionError, redis.TimeoutError],
        "socket_timeout": 30, "socket_connect_timeout": 10, "health_check_interval": 15,
    }


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url`` (redis://, rediss://, unix://) with the cluster's retries."""
    return redis.Redis.from_url(url, **redis_params())


@dataclass(frozen=True)
class Keys:
    """The names of the cluster's keys under one prefix (several installations may share a
    Redis)."""

    prefix: str = "pantau"

    @property
    def start(self) -> str:
        return f"{self.prefix}:start"

    @property
    def requests(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def inflight(self) -> str:
        return f"{self.prefix}:inflight"

    @property
    def inflight_data(self) -> str:
        return f"{self.prefix}:inflight:data"

    @property
    def inflight_meta(self) -> str:
        return f"{self.prefix}:inflight:meta"

    @property
    def tries(self) -> str:
        return f"{self.prefix}:tries"

    @property
    def lease_seq(self) -> str:
        return f"{self.prefix}:lease:seq"

    @property
    def seen(self) -> str:
        return f"{self.prefix}:seen"

    @property
    def seeded(self) -> str:
        return f"{self.prefix}:seen:seeded"

    @property
    def runs(self) -> str:
        return f"{self.prefix}:runs"

    @property
    def results(self) -> str:
        return f"{self.prefix}:results"

    @property
    def taken(self) -> str:
        return f"{self.prefix}:results:taken"

    def run(self, run_id: int | str) -> str:
        return f"{self.prefix}:run:{run_id}"

    def entries(self, run_id: int | str) -> str:
        return f"{self.prefix}:run:{run_id}:entries"

    @property
    def lease_keys(self) -> list[str]:
        return [self.inflight, self.inflight_data, self.inflight_meta, self.tries]


# Shared by the scripts: Redis's clock in milliseconds; counts added to a run only while the
# run is open (a late message of a closed run must not resurrect its key); ending a lease.
_PRELUDE = """
local prefix = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function bump(run, name, n)
  if run == nil or run == '' then return end
  local key = prefix .. ':run:' .. run
  if redis.call('EXISTS', key) == 1 then redis.call('HINCRBY', key, name, n) end
end
local function note_error(run, message)
  if run == nil or run == '' then return end
  local key = prefix .. ':run:' .. run
  if redis.call('EXISTS', key) == 1 then redis.call('HSETNX', key, 'first_error', message) end
end
local function forget(lease)
  local raw = redis.call('HGET', KEYS[3], lease)
  redis.call('ZREM', KEYS[1], lease)
  redis.call('HDEL', KEYS[2], lease)
  redis.call('HDEL', KEYS[3], lease)
  if not raw then return nil end
  return cjson.decode(raw)
end
"""

# KEYS: inflight, data, meta, tries, queue, lease_seq. ARGV: prefix, count, lease ms.
_CLAIM = _PRELUDE + """
local items = redis.call('ZRANGE', KEYS[5], 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
if #items == 0 then return {} end
redis.call('ZREMRANGEBYRANK', KEYS[5], 0, #items / 2 - 1)
local deadline = now_ms() + tonumber(ARGV[3])
local out = {}
for i = 1, #items, 2 do
  local member, score = items[i], items[i + 1]
  local lease = tostring(redis.call('INCR', KEYS[6]))
  local digest = redis.sha1hex(member)
  local tries = redis.call('HINCRBY', KEYS[4], digest, 1)
  local run = string.match(member, '^(%d+)\\n') or ''
  redis.call('ZADD', KEYS[1], deadline, lease)
  redis.call('HSET', KEYS[2], lease, member)
  redis.call('HSET', KEYS[3], lease, cjson.encode({q = KEYS[5], s = score, n = tries,
                                                   h = digest, r = run}))
  table.insert(out, lease)
  table.insert(out, member)
end
return out
"""

# KEYS: inflight, data, meta, tries, results. ARGV: prefix, lease or '', run, ops (JSON).
_SETTLE = _PRELUDE + """
local lease, run = ARGV[2], ARGV[3]
local ops = cjson.decode(ARGV[4])
if ops.push then
  redis.call('ZADD', ops.push[1], ops.push[2], ops.push[3])
  bump(run, 'pending', 1)
end
for _, message in ipairs(ops.results or {}) do
  redis.call('RPUSH', KEYS[5], message)
  bump(run, 'pending', 1)
end
for name, n in pairs(ops.counts or {}) do bump(run, name, n) end
if ops.error then note_error(run, ops.error) end
if lease ~= '' and redis.call('ZSCORE', KEYS[1], lease) then
  local meta = forget(lease)
  if meta then
    redis.call('HDEL', KEYS[4], meta.h)
    bump(meta.r, 'pending', -1)
  end
  return 1
end
return 0
"""

# KEYS: inflight. ARGV: prefix, lease ms, leases...
_RENEW = _PRELUDE + """
local deadline = now_ms() + tonumber(ARGV[2])
local renewed = 0
for i = 3, #ARGV do
  if redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[i]) == 0 and
     redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    renewed = renewed + 1
  end
end
return renewed
"""

# KEYS: inflight, data, meta, tries. ARGV: prefix, max deliveries, 'expired' or 'given',
# leases... Puts requests back in their queue: those whose lease expired (a dead worker's), or
# the given ones (a worker stopping). One delivered max times is given up, counted as an error.
_REAP = _PRELUDE + """
local leases
local given = ARGV[3] == 'given'
if given then
  leases = {}
  for i = 4, #ARGV do table.insert(leases, ARGV[i]) end
else
  leases = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms(), 'LIMIT', 0, 500)
end
local back, dropped = 0, 0
for _, lease in ipairs(leases) do
  local member = redis.call('HGET', KEYS[2], lease)
  local meta = forget(lease)
  if meta and member then
    if given then
      redis.call('HINCRBY', KEYS[4], meta.h, -1)
      redis.call('ZADD', meta.q, meta.s, member)
      back = back + 1
    elseif tonumber(meta.n) >= tonumber(ARGV[2]) then
      redis.call('HDEL', KEYS[4], meta.h)
      bump(meta.r, 'pending', -1)
      bump(meta.r, 'errors', 1)
      note_error(meta.r, 'a request was given up after ' .. meta.n ..
                 ' deliveries: each worker that took it stopped before finishing it')
      dropped = dropped + 1
    else
      redis.call('ZADD', meta.q, meta.s, member)
      back = back + 1
    end
  end
end
return {back, dropped}
"""


@dataclass
class Broker:
    """The Redis operations of workers and the archive node, under one key prefix.

    ``lease`` (seconds): how long a claimed request stays invisible without renewal;
    ``max_deliveries``: how often a request is handed out before it is given up.
    """

    client: redis.Redis
    keys: Keys = field(default_factory=Keys)
    lease: float = 120.0
    max_deliveries: int = 3

    def __post_init__(self) -> None:
        self._claim = self.client.register_script(_CLAIM)
        self._settle = self.client.register_script(_SETTLE)
        self._renew = self.client.register_script(_RENEW)
        self._reap = self.client.register_script(_REAP)

    @property
    def lease_ms(self) -> int:
        return int(self.lease * 1000)

    # -- workers --------------------------------------------------------------------------------

    def claim(self, queue: str, count: int = 1) -> list[tuple[str, bytes]]:
        """Take up to ``count`` entries from ``queue`` (lowest score first) under new leases."""
        keys = [*self.keys.lease_keys, queue, self.keys.lease_seq]
        found = self._claim(keys=keys, args=[self.keys.prefix, count, self.lease_ms])
        return [(_text(found[i]), found[i + 1]) for i in range(0, len(found), 2)]

    def settle(self, run: str, *, lease: str = "", push: tuple[str, float, bytes] | None = None,
               results: Sequence[str] = (), counts: Mapping[str, int] | None = None,
               error: str | None = None, pipe: Pipeline | None = None) -> bool:
        """In one atomic step: push a request, push results, add counts to ``run``, and end
        ``lease`` (if given). Returns whether the lease was still held (False when queued on
        ``pipe``, whose caller executes it)."""
        ops: dict[str, Any] = {}
        if push is not None:
            ops["push"] = [push[0], push[1], push[2].decode("utf-8")]
        if results:
            ops["results"] = list(results)
        if counts:
            ops["counts"] = dict(counts)
        if error:
            ops["error"] = error[:500]
        keys = [*self.keys.lease_keys, self.keys.results]
        args = [self.keys.prefix, lease, run, json.dumps(ops, ensure_ascii=False)]
        if pipe is not None:
            self._settle(keys=keys, args=args, client=pipe)
            return False
        return bool(self._settle(keys=keys, args=args))

    def renew(self, leases: Iterable[str]) -> int:
        """Push back the deadlines of leases this process still works on."""
        held = list(leases)
        if not held:
            return 0
        return int(self._renew(keys=[self.keys.inflight], args=[self.keys.prefix, self.lease_ms,
                                                                  *held]))

    def release(self, leases: Iterable[str]) -> int:
        """Put these claimed requests back in their queues at once (a worker stopping)."""
        given = list(leases)
        if not given:
            return 0
        back, _ = self._reap(keys=self.keys.lease_keys,
                             args=[self.keys.prefix, self.max_deliveries, "given", *given])
        return int(back)

    def reap(self) -> tuple[int, int]:
        """Put back the requests of workers that stopped renewing; returns (requeued, given up)."""
        back, dropped = self._reap(keys=self.keys.lease_keys,
                                   args=[self.keys.prefix, self.max_deliveries, "expired"])
        if dropped:
            logger.warning("gave up %d request(s) after %d deliveries each", dropped,
                           self.max_deliveries)
        return int(back), int(dropped)

    def see(self, key: str) -> bool:
        """Mark an article URL key as known; True if it was new."""
        return bool(self.client.zadd(self.keys.seen, {key: time.time()}))

    def unsee(self, key: str) -> None:
        """Forget an article URL key (its fetch failed: a later crawl tries again)."""
        self.client.zrem(self.keys.seen, key)

    def see_entry(self, run: str, fingerprint: str, ttl: float) -> bool:
        """Mark an entry point as requested in ``run``; True if it was new."""
        key = self.keys.entries(run)
        with self.client.pipeline() as pipe:
            pipe.sadd(key, fingerprint)
            pipe.expire(key, int(ttl))
            added, _ = pipe.execute()
        return bool(added)

    def run_fields(self, run: str, *names: str) -> list[bytes | None]:
        """Fields of a run's hash (None where missing, or the run is closed)."""
        return [value if isinstance(value, bytes | None) else str(value).encode()
                for value in self.client.hmget(self.keys.run(run), list(names))]

    def waiting(self) -> dict[str, int]:
        """How much work Redis holds: queued start messages and requests, in flight, results."""
        with self.client.pipeline(transaction=False) as pipe:
            pipe.zcard(self.keys.start)
            pipe.zcard(self.keys.requests)
            pipe.zcard(self.keys.inflight)
            pipe.llen(self.keys.results)
            start, requests, inflight, results = pipe.execute()
        return {"start": start, "requests": requests, "in_flight": inflight, "results": results}


def url_key(url: str) -> str:
    """The key of an article URL in the seen set: 16 bytes of its hash, in hex."""
    return hashlib.blake2b(url.encode(), digest_size=16).hexdigest()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
