//! The Lua scripts that keep the shared state consistent: each runs atomically in Redis, with
//! Redis's own clock (`redis.call('TIME')`), so the instances' clocks never matter. They are
//! sent with `EVALSHA` (redis-rs [`Script`] loads them again after a Redis restart).
//!
//! Times are milliseconds of Redis's clock. A bucket is a hash
//! `{prefix}b:{id}|{major}` with the fields `limit`, `remaining`, `reset_at`, `window` (Discord's
//! `X-RateLimit-Reset` of the window it describes), `refilled`, `unlimited`, `period`,
//! `in_flight` and `in_flight_until`; `{id}` is Discord's bucket id once an answer told it
//! (the alias `{prefix}a:{route}` maps the route to it), else `r:{route template}`.

use redis::Script;
use std::sync::LazyLock;

/// Shared Lua: `now()` in milliseconds and the bucket-key resolution.
const PRELUDE: &str = r"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function num(v) if v == false or v == nil then return nil end return tonumber(v) end
";

/// Acquire: one slot of a bucket and, for counted requests, one place under the global limit,
/// both or neither.
///
/// KEYS: alias, global log (sorted set), global pause, ban. ARGV: bucket key prefix, route id,
/// major, counted (`1`/`0`), global limit, global window (ms), member (unique), in-flight
/// lease (ms), bucket TTL (ms), poll (ms).
///
/// Returns `{'go', counted}`, `{'wait', ms, why}` (`why`: `bucket`, `global`, `inflight`) or
/// `{'ban', ms}`.
const ACQUIRE: &str = r"
local now = now_ms()
local ban = redis.call('PTTL', KEYS[4])
if ban > 0 then return {'ban', ban} end
local counted_scope = ARGV[4] == '1'
if counted_scope then
  local pause = redis.call('PTTL', KEYS[3])
  if pause > 0 then return {'wait', pause, 'global'} end
end
local id = redis.call('GET', KEYS[1]) or ARGV[2]
local bkey = ARGV[1] .. id .. '|' .. ARGV[3]
local f = redis.call('HMGET', bkey, 'limit', 'remaining', 'reset_at', 'unlimited', 'in_flight', 'in_flight_until')
local limit, remaining, reset_at = num(f[1]), num(f[2]) or 0, num(f[3])
local unlimited = f[4] == '1'
local in_flight, in_flight_until = num(f[5]) or 0, num(f[6]) or 0
local busy = in_flight > 0 and in_flight_until > now
local poll = tonumber(ARGV[10])
local counted = false
local refill = false
if unlimited then
  counted = false
elseif limit == nil then
  if reset_at ~= nil and reset_at > now then return {'wait', reset_at - now, 'bucket'} end
  if busy then return {'wait', math.min(poll, in_flight_until - now), 'inflight'} end
else
  if reset_at ~= nil and now >= reset_at then
    remaining = limit
    reset_at = nil
    refill = true
  end
  if remaining > 0 then
    counted = true
  elseif reset_at ~= nil then
    return {'wait', reset_at - now, 'bucket'}
  elseif busy then
    return {'wait', math.min(poll, in_flight_until - now), 'inflight'}
  end
end
if counted_scope then
  local window = tonumber(ARGV[6])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    local free = tonumber(oldest[2]) + window - now
    if free < 1 then free = 1 end
    return {'wait', free, 'global'}
  end
  redis.call('ZADD', KEYS[2], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[2], window * 2)
end
if refill then
  redis.call('HDEL', bkey, 'reset_at')
  redis.call('HSET', bkey, 'refilled', '1')
end
if counted then remaining = remaining - 1 end
redis.call('HSET', bkey, 'remaining', remaining, 'in_flight', in_flight + 1,
  'in_flight_until', now + tonumber(ARGV[8]))
redis.call('PEXPIRE', bkey, ARGV[9])
if counted then return {'go', 1} end
return {'go', 0}
";

/// Observe: what one answer (or its absence) tells about a bucket, by the rules of the
/// in-memory limiter: a fresh window replaces, the same window only lowers `remaining`, an
/// older window or one from before a refill is ignored.
///
/// KEYS: alias. ARGV: bucket key prefix, route id, major, what was seen (letters: `h` bucket
/// headers, `u` a 2xx without them, `l` a 429 of the bucket; `n` nothing, e.g. no answer),
/// shared (`1`: the request
/// was granted by Redis: its in-flight lease ends), limit, remaining, reset_after (ms), reset
/// (`X-RateLimit-Reset` or ``), bucket id (or ``), retry_after (ms), give back (`1`: a
/// counted slot that was not sent), bucket TTL (ms), alias TTL (ms).
const OBSERVE: &str = r"
local now = now_ms()
local route_id = ARGV[2]
local id = redis.call('GET', KEYS[1]) or route_id
local kind = ARGV[4]
local hash = ARGV[10]
if string.find(kind, 'h', 1, true) and hash ~= '' and id ~= hash then
  local old = ARGV[1] .. id .. '|' .. ARGV[3]
  local new = ARGV[1] .. hash .. '|' .. ARGV[3]
  redis.call('SET', KEYS[1], hash, 'PX', ARGV[14])
  if id == route_id then
    local moved = redis.call('HMGET', old, 'in_flight', 'in_flight_until')
    if moved[1] then
      redis.call('HINCRBY', new, 'in_flight', moved[1])
      local until_old = num(moved[2]) or 0
      local until_new = num(redis.call('HGET', new, 'in_flight_until')) or 0
      if until_old > until_new then redis.call('HSET', new, 'in_flight_until', until_old) end
    end
    redis.call('DEL', old)
  end
  id = hash
end
local bkey = ARGV[1] .. id .. '|' .. ARGV[3]
local f = redis.call('HMGET', bkey, 'limit', 'remaining', 'reset_at', 'window', 'refilled', 'period', 'in_flight')
local limit, remaining, reset_at = num(f[1]), num(f[2]) or 0, num(f[3])
local window, refilled, period, in_flight = num(f[4]), f[5] == '1', num(f[6]) or 0, num(f[7]) or 0
if ARGV[5] == '1' and in_flight > 0 then
  redis.call('HSET', bkey, 'in_flight', in_flight - 1)
end
if string.find(kind, 'h', 1, true) then
  local reset = num(ARGV[9])
  local fresh = true
  local stale = false
  if window ~= nil and reset ~= nil then
    if reset < window - 0.002 then
      stale = true
    elseif reset <= window + 0.002 then
      if refilled then stale = true end
      fresh = false
    end
  end
  if not stale then
    local hlimit, hremaining, after = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
    local new_reset = now + after
    if fresh then
      if reset ~= nil then redis.call('HSET', bkey, 'window', ARGV[9]) else redis.call('HDEL', bkey, 'window') end
      redis.call('HSET', bkey, 'refilled', '0', 'reset_at', new_reset)
      reset_at = new_reset
      if limit ~= nil then remaining = math.min(remaining, hremaining) else remaining = hremaining end
    else
      remaining = math.min(remaining, hremaining)
      if reset_at == nil or new_reset > reset_at then
        redis.call('HSET', bkey, 'reset_at', new_reset)
        reset_at = new_reset
      end
    end
    limit = hlimit
    redis.call('HSET', bkey, 'remaining', remaining, 'limit', hlimit,
      'period', math.max(period, after), 'unlimited', '0')
  end
end
if string.find(kind, 'l', 1, true) then
  local until_ms = now + tonumber(ARGV[11])
  if reset_at ~= nil and reset_at > until_ms then until_ms = reset_at end
  redis.call('HSET', bkey, 'unlimited', '0', 'remaining', 0, 'refilled', '0', 'reset_at', until_ms)
elseif string.find(kind, 'u', 1, true) then
  if limit == nil then redis.call('HSET', bkey, 'unlimited', '1') end
elseif ARGV[12] == '1' and limit ~= nil then
  redis.call('HSET', bkey, 'remaining', math.min(remaining + 1, limit))
end
redis.call('PEXPIRE', bkey, ARGV[13])
return 1
";

/// Extend: sets a key's expiry to at least ARGV[1] ms (the global-429 pause, a ban).
/// KEYS: the key.
const EXTEND: &str = r"
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
end
return 1
";

/// Invalid: counts one invalid request of an egress IP in 10-second slots of a 10-minute
/// window; returns the count in the window. KEYS: the IP's hash. ARGV: increment (`1`/`0`).
const INVALID: &str = r"
local now = now_ms()
local slot = math.floor(now / 10000)
if ARGV[1] == '1' then redis.call('HINCRBY', KEYS[1], slot, 1) end
local all = redis.call('HGETALL', KEYS[1])
local sum = 0
for i = 1, #all, 2 do
  local s = tonumber(all[i])
  if s <= slot - 60 then
    redis.call('HDEL', KEYS[1], all[i])
  else
    sum = sum + tonumber(all[i + 1])
  end
end
if #all > 0 then redis.call('PEXPIRE', KEYS[1], 610000) end
return sum
";

/// Heartbeat: this instance is alive; returns `{live instances, ban ms left (or <= 0),
/// invalid requests of the IP in the window}`. KEYS: instances (sorted set), ban, the IP's
/// invalid hash. ARGV: instance id, instance TTL (ms).
const HEARTBEAT: &str = r"
local now = now_ms()
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[1], ttl * 2)
local live = redis.call('ZCARD', KEYS[1])
local ban = redis.call('PTTL', KEYS[2])
local slot = math.floor(now / 10000)
local all = redis.call('HGETALL', KEYS[3])
local sum = 0
for i = 1, #all, 2 do
  if tonumber(all[i]) > slot - 60 then sum = sum + tonumber(all[i + 1]) end
end
return {live, ban, sum}
";

/// Seed global: after Redis came back, the requests this instance sent in the last window
/// (ages in ms in ARGV[3..]) enter the global log, so the first second after the return cannot
/// exceed the limit. KEYS: global log. ARGV: window (ms), member prefix, ages….
const SEED_GLOBAL: &str = r"
local now = now_ms()
local window = tonumber(ARGV[1])
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i]), ARGV[2] .. ':' .. i)
end
redis.call('PEXPIRE', KEYS[1], window * 2)
return 1
";

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}{body}"))
}

/// [`ACQUIRE`].
pub static ACQUIRE_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(ACQUIRE));
/// [`OBSERVE`].
pub static OBSERVE_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(OBSERVE));
/// [`EXTEND`].
pub static EXTEND_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(EXTEND));
/// [`INVALID`].
pub static INVALID_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(INVALID));
/// [`HEARTBEAT`].
pub static HEARTBEAT_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(HEARTBEAT));
/// [`SEED_GLOBAL`].
pub static SEED_GLOBAL_SCRIPT: LazyLock<Script> = LazyLock::new(|| script(SEED_GLOBAL));
