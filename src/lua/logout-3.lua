#!lua
--[[
  Logs one token out: records its id as revoked until the token would have expired anyway, and
  forgets revocations whose tokens have expired.
  Input:
    KEYS[1] user hash
    KEYS[2] revoked token ids (sorted set, score = token expiry in ms)
    KEYS[3] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] epoch carried by the token
    ARGV[2] token id
    ARGV[3] token expiry (ms)
    ARGV[4] now (ms)
    ARGV[5] success answer to record under the Idempotency-Key ('' when none)
    ARGV[6] how long to keep it (ms)
  Output:
    {0} revoked
    {1} user missing, {2} auth failed (token already revoked, or no longer valid)
]]
--@include idempotency
--@include checkUser
local failed = checkUser(KEYS[1], ARGV[1])
if failed then return {failed} end
if redis.call('ZSCORE', KEYS[2], ARGV[2]) then return {2} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
markApplied(KEYS[3], ARGV[5], ARGV[6])
return {0}
