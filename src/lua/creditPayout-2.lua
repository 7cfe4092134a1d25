#!lua
--[[
  Credits a received order's amount to the seller, exactly once per order.
  Input:
    KEYS[1] seller's user hash
    KEYS[2] seller's payout ledger (set of order ids)
    ARGV[1] order id
    ARGV[2] amount (cents)
  Output:
    {0} credited now
    {21} credited before
]]
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return {21} end
redis.call('HINCRBY', KEYS[1], 'balance', ARGV[2])
return {0}
