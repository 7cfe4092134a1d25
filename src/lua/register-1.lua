#!lua
--[[
  Creates a user, unless the id was ever taken (an unregistered id stays taken).
  Input:
    KEYS[1] user hash
    ARGV[1] password hash (PHC string)
    ARGV[2] now (ms)
  Output:
    {0} created
    {3} user id exists
]]
local userKey = KEYS[1]
if redis.call('EXISTS', userKey) == 1 then return {3} end
redis.call('HSET', userKey, 'state', 'active', 'pw', ARGV[1], 'epoch', '1', 'balance', '0',
  'deposited', '0', 'created_at', ARGV[2])
return {0}
