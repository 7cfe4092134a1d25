#!lua
--[[
  Starts a request carrying an Idempotency-Key, once its user is known to be the caller: records it
  as running (for `leaseMs`, after which a request that died is forgotten) and counts it among the
  user's live keys, or tells how an earlier request with this key stands. Nothing is written unless
  the check passes, and no new key is taken past `maxKeys` live ones.
  The check, in the same round trip (ARGV[3]):
    'token'  the session token (signature already checked in the process) is still valid: the user
             active at ARGV[4] and token id ARGV[5] not revoked
    'epoch'  the user is active at ARGV[4], the epoch its password was just verified against
    'absent' the user does not exist (registration): an existing user's slot gets nothing, though a
             retry of the registration that created it still replays
    ''       none (tests only)
  Input:
    KEYS[1] idempotency record (hash, in the user's slot)
    KEYS[2] user hash
    KEYS[3] revoked token ids (sorted set)
    KEYS[4] the user's live keys (sorted set: key -> when its record expires at the latest, ms)
    ARGV[1] fingerprint of the request (path and body)
    ARGV[2] lease (ms)
    ARGV[3] check: 'token' | 'epoch' | 'absent' | ''
    ARGV[4] epoch ('token', 'epoch')
    ARGV[5] token id ('token')
    ARGV[6] the Idempotency-Key (member of KEYS[4])
    ARGV[7] now (ms)
    ARGV[8] how long an answer is kept (ms)
    ARGV[9] most live keys per user
  Output:
    {0} new: go ahead
    {1} user missing, {2} auth failed ('token', 'epoch'), {3} user exists ('absent')
    {22} the key was used with another request
    {23} the first request with this key is still running
    {24, status, body} done: replay this answer
    {25, retryMs} the user has `maxKeys` live keys: a new one is refused until the oldest expires
]]
--@include checkUser
--@include checkToken
local recordKey, userKey, liveKey = KEYS[1], KEYS[2], KEYS[4]
local check = ARGV[3]
if check == 'token' then
  local failed = checkToken(userKey, KEYS[3], ARGV[4], ARGV[5])
  if failed then return {failed} end
elseif check == 'epoch' then
  local failed = checkUser(userKey, ARGV[4])
  if failed then return {failed} end
end
local record = redis.call('HMGET', recordKey, 'fp', 'state', 'status', 'body')
if check == 'absent' and record[1] ~= ARGV[1] and redis.call('EXISTS', userKey) == 1 then return {3} end
if not record[1] and not record[2] then
  local now = tonumber(ARGV[7])
  redis.call('ZREMRANGEBYSCORE', liveKey, '-inf', now)
  if redis.call('ZCARD', liveKey) >= tonumber(ARGV[9]) then
    local oldest = redis.call('ZRANGE', liveKey, 0, 0, 'WITHSCORES')
    return {25, math.max(1, tonumber(oldest[2]) - now)}
  end
  redis.call('HSET', recordKey, 'fp', ARGV[1], 'state', 'running')
  redis.call('PEXPIRE', recordKey, ARGV[2])
  -- The answer is stored within the lease and kept `ttl` from then: the entry outlives the record.
  local lifetime = tonumber(ARGV[8]) + tonumber(ARGV[2])
  redis.call('ZADD', liveKey, now + lifetime, ARGV[6])
  redis.call('PEXPIRE', liveKey, lifetime)
  return {0}
end
if record[1] and record[1] ~= ARGV[1] then return {22} end
if record[2] == 'done' then return {24, record[3], record[4]} end
return {23}
