#!lua
--[[
  Returns a held reservation's stock, once, and drops its payment deadline (nothing is left for the
  expiry sweep). Called only after the order was cancelled (or was never created), so a sold
  reservation is never released.
  Input:
    KEYS[1] reservation hash
    KEYS[2] stock (book id -> level)
    KEYS[3] store's payment deadlines (sorted set)
    ARGV[1] order id
  Output:
    {0} released now
    {21} nothing to do (no reservation, or released already)
]]
--@include reservationLines
local resvKey, stockKey = KEYS[1], KEYS[2]
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('HGET', resvKey, 'state') ~= 'held' then return {21} end
for _, line in ipairs(reservationLines(resvKey)) do
  redis.call('HINCRBY', stockKey, line[1], line[2])
end
redis.call('HSET', resvKey, 'state', 'released')
return {0}
