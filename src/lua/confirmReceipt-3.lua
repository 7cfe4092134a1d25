#!lua
--[[
  The buyer confirms receipt of a paid (shipped or not) order: the escrow is released, to be
  credited to the seller (the store's owner) by creditPayout.
  Input:
    KEYS[1] buyer's user hash
    KEYS[2] order hash
    KEYS[3] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] epoch the password was verified against
    ARGV[2] now (ms)
    ARGV[3] success answer to record under the Idempotency-Key ('' when none)
    ARGV[4] how long to keep it (ms)
  Output:
    {0, store, amount}
    {1} user missing, {2} auth failed, {10} no such order, {15} cancelled, {12} not paid,
    {17} received already
]]
--@include idempotency
--@include buyerOrder
local userKey, orderKey = KEYS[1], KEYS[2]
local status, failed, order = buyerOrder(userKey, orderKey, ARGV[1], 'store', 'amount')
if failed then return {failed} end
if status == 'unpaid' then return {12} end
if status == 'received' then return {17} end
redis.call('HSET', orderKey, 'status', 'received', 'received_at', ARGV[2])
markApplied(KEYS[3], ARGV[3], ARGV[4])
return {0, order[2], order[3]}
