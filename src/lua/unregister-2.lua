#!lua
--[[
  Closes an account: it can no longer log in or act, every token stops working; balance and orders
  stay recorded and the id stays taken.
  Input:
    KEYS[1] user hash
    KEYS[2] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] epoch the password was verified against
    ARGV[2] success answer to record under the Idempotency-Key ('' when none)
    ARGV[3] how long to keep it (ms)
  Output:
    {0} closed
    {1} user missing, {2} auth failed (closed already, or password changed meanwhile)
]]
--@include idempotency
--@include checkUser
local userKey = KEYS[1]
local failed = checkUser(userKey, ARGV[1])
if failed then return {failed} end
redis.call('HSET', userKey, 'state', 'gone')
redis.call('HINCRBY', userKey, 'epoch', 1)
markApplied(KEYS[2], ARGV[2], ARGV[3])
return {0}
