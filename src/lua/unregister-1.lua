#!lua
--[[
  Closes an account: it can no longer log in or act, every token stops working; balance and orders
  stay recorded and the id stays taken.
  Input:
    KEYS[1] user hash
    ARGV[1] epoch the password was verified against
  Output:
    {0} closed
    {1} user missing, {2} auth failed (closed already, or password changed meanwhile)
]]
--@include checkUser
local userKey = KEYS[1]
local failed = checkUser(userKey, ARGV[1])
if failed then return {failed} end
redis.call('HSET', userKey, 'state', 'gone')
redis.call('HINCRBY', userKey, 'epoch', 1)
return {0}
