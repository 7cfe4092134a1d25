#!lua
--[[
  Records a new unpaid order in the buyer's slot, after its stock was reserved in the store's slot.
  Refuses when the order key already exists: a tombstone means the expiry follow-up gave up on this
  order and released its stock.
  Input:
    KEYS[1] order hash
    KEYS[2] buyer's order index (sorted set)
    KEYS[3] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] order id
    ARGV[2] buyer user id
    ARGV[3] store id
    ARGV[4] seller (store owner) user id
    ARGV[5] items JSON
    ARGV[6] amount (cents)
    ARGV[7] now (ms)
    ARGV[8] payment deadline (ms)
    ARGV[9] success answer to record under the Idempotency-Key ('' when none)
    ARGV[10] how long to keep it (ms)
  Output:
    {0} created
    {20} aborted: the order was given up meanwhile
]]
--@include idempotency
local orderKey = KEYS[1]
if redis.call('EXISTS', orderKey) == 1 then return {20} end
redis.call('HSET', orderKey, 'status', 'unpaid', 'buyer', ARGV[2], 'store', ARGV[3], 'seller', ARGV[4],
  'items', ARGV[5], 'amount', ARGV[6], 'escrow', '0', 'created_at', ARGV[7], 'expires_at', ARGV[8])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[1])
markApplied(KEYS[3], ARGV[9], ARGV[10])
return {0}
