#!lua
--[[
  Creates a user, unless the id was ever taken (an unregistered id stays taken).
  Input:
    KEYS[1] user hash
    KEYS[2] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] password hash (PHC string)
    ARGV[2] now (ms)
    ARGV[3] success answer to record under the Idempotency-Key ('' when none)
    ARGV[4] how long to keep it (ms)
  Output:
    {0} created
    {3} user id exists
]]
--@include idempotency
local userKey = KEYS[1]
if redis.call('EXISTS', userKey) == 1 then return {3} end
redis.call('HSET', userKey, 'state', 'active', 'pw', ARGV[1], 'epoch', '1', 'balance', '0',
  'deposited', '0', 'created_at', ARGV[2])
markApplied(KEYS[2], ARGV[3], ARGV[4])
return {0}
