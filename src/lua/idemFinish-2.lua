#!lua
--[[
  Ends a request carrying an Idempotency-Key: stores its answer for replay, or forgets the key when
  the request changed nothing and may simply be sent again (status ''): then the record leaves the
  user's live keys too.
  Input:
    KEYS[1] idempotency record (hash, in the user's slot)
    KEYS[2] the user's live keys (sorted set)
    ARGV[1] fingerprint of the request
    ARGV[2] HTTP status of the answer ('' to forget the key)
    ARGV[3] answer body (JSON)
    ARGV[4] how long to keep the answer (ms)
    ARGV[5] the Idempotency-Key (member of KEYS[2])
  Output:
    {0} stored or forgotten
    {22} the record belongs to another request (left untouched)
]]
local fp = redis.call('HGET', KEYS[1], 'fp')
if fp and fp ~= ARGV[1] then return {22} end
if ARGV[2] == '' then
  if redis.call('HGET', KEYS[1], 'state') ~= 'done' then
    redis.call('DEL', KEYS[1])
    redis.call('ZREM', KEYS[2], ARGV[5])
  end
  return {0}
end
redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {0}
