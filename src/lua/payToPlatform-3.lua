#!lua
--[[
  Pays an order to the platform: the amount leaves the buyer's balance and is held as the order's
  escrow (an order holds its amount in escrow while it is paid or shipped). An unpaid order past its deadline is cancelled here instead (the expiry and the payment
  have exactly one outcome).
  Input:
    KEYS[1] buyer's user hash
    KEYS[2] order hash
    KEYS[3] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] epoch the password was verified against
    ARGV[2] now (ms)
    ARGV[3] success answer to record under the Idempotency-Key ('' when none)
    ARGV[4] how long to keep it (ms)
  Output:
    {0, store} paid (the store's id, to drop the order's payment deadline there)
    {1} user missing, {2} auth failed, {10} no such order, {15} cancelled, {15, 1} cancelled by this
    call (past its deadline), {16} paid already, {11} balance too low
]]
--@include idempotency
--@include buyerOrder
local userKey, orderKey = KEYS[1], KEYS[2]
local status, failed, order, balance = buyerOrder(userKey, orderKey, ARGV[1], 'amount', 'expires_at', 'store')
if failed then return {failed} end
if status ~= 'unpaid' then return {16} end
local amount, expiresAt, store = order[2], order[3], order[4]
if tonumber(expiresAt) <= tonumber(ARGV[2]) then
  redis.call('HSET', orderKey, 'status', 'cancelled', 'cancelled_at', ARGV[2], 'cancel_reason', 'expired')
  return {15, 1}
end
if tonumber(balance) < tonumber(amount) then return {11} end
redis.call('HINCRBY', userKey, 'balance', '-' .. amount)
redis.call('HSET', orderKey, 'status', 'paid', 'paid_at', ARGV[2])
markApplied(KEYS[3], ARGV[3], ARGV[4])
return {0, store}
