#!lua
--[[
  Replaces the password hash and bumps the epoch, so every token of the user stops working.
  Input:
    KEYS[1] user hash
    ARGV[1] epoch the old password was verified against
    ARGV[2] new password hash (PHC string)
  Output:
    {0, newEpoch}
    {1} user missing, {2} auth failed
]]
--@include checkUser
local userKey = KEYS[1]
local failed = checkUser(userKey, ARGV[1])
if failed then return {failed} end
redis.call('HSET', userKey, 'pw', ARGV[2])
return {0, redis.call('HINCRBY', userKey, 'epoch', 1)}
