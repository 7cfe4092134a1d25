#!lua
--[[
  Starts a request carrying an Idempotency-Key: records it as running (for `leaseMs`, after which a
  request that died is forgotten), or tells how an earlier request with this key stands. On a token
  endpoint it first checks the session token (signature already checked in the process), so only
  the user's own live session may see a replay, in the same round trip.
  Input:
    KEYS[1] idempotency record (hash, in the user's slot)
    KEYS[2] user hash
    KEYS[3] revoked token ids (sorted set)
    ARGV[1] fingerprint of the request (path and body)
    ARGV[2] lease (ms)
    ARGV[3] epoch carried by the token ('' on an endpoint without a token: no check)
    ARGV[4] token id
  Output:
    {0} new: go ahead
    {1} user missing, {2} auth failed (token endpoints only)
    {22} the key was used with another request
    {23} the first request with this key is still running
    {24, status, body} done: replay this answer
]]
--@include checkToken
if ARGV[3] ~= '' then
  local failed = checkToken(KEYS[2], KEYS[3], ARGV[3], ARGV[4])
  if failed then return {failed} end
end
local record = redis.call('HMGET', KEYS[1], 'fp', 'state', 'status', 'body')
if not record[1] and not record[2] then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'running')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {0}
end
if record[1] and record[1] ~= ARGV[1] then return {22} end
if record[2] == 'done' then return {24, record[3], record[4]} end
return {23}
