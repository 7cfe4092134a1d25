#!lua
--[[
  Replaces the password hash and bumps the epoch, so every token of the user stops working.
  Input:
    KEYS[1] user hash
    KEYS[2] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] epoch the old password was verified against
    ARGV[2] new password hash (PHC string)
    ARGV[3] success answer to record under the Idempotency-Key ('' when none)
    ARGV[4] how long to keep it (ms)
  Output:
    {0, newEpoch}
    {1} user missing, {2} auth failed
]]
--@include idempotency
--@include checkUser
local userKey = KEYS[1]
local failed = checkUser(userKey, ARGV[1])
if failed then return {failed} end
redis.call('HSET', userKey, 'pw', ARGV[2])
local result = redis.call('HINCRBY', userKey, 'epoch', 1)
markApplied(KEYS[2], ARGV[3], ARGV[4])
return {0, result}
