#!lua
--[[
  Records a new unpaid order in the buyer's slot, after its stock was reserved in the store's slot.
  The session token that asked for it is checked here (its signature was checked in the process
  before anything moved): the user exists and is active at the token's epoch, and the token is not
  revoked. Refuses when the order key already exists: a tombstone means the expiry follow-up gave up
  on this order and released its stock.
  Input:
    KEYS[1] buyer's user hash
    KEYS[2] buyer's revoked token ids (sorted set)
    KEYS[3] order hash
    KEYS[4] buyer's order index (sorted set)
    KEYS[5] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] epoch carried by the token
    ARGV[2] token id
    ARGV[3] order id
    ARGV[4] store id
    ARGV[5] amount (cents)
    ARGV[6] now (ms)
    ARGV[7] payment deadline (ms)
    ARGV[8] success answer to record under the Idempotency-Key ('' when none)
    ARGV[9] how long to keep it (ms)
  The lines are kept once, in the store's reservation (readers take them from there), the buyer is in
  the key and the seller is the store's owner: every field is short, so Redis keeps the hash in its
  compact listpack encoding. (Orders recorded earlier also hold `buyer`, `seller` and `escrow`.)
  Output:
    {0} created
    {1} user missing, {2} auth failed (closed account, password changed, logged out): nothing written
    {20} aborted: the order was given up meanwhile
]]
--@include checkToken
--@include idempotency
local failed = checkToken(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if failed then return {failed} end
local orderKey = KEYS[3]
if redis.call('EXISTS', orderKey) == 1 then return {20} end
redis.call('HSET', orderKey, 'status', 'unpaid', 'store', ARGV[4], 'amount', ARGV[5], 'created_at', ARGV[6],
  'expires_at', ARGV[7])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[3])
markApplied(KEYS[5], ARGV[8], ARGV[9])
return {0}
