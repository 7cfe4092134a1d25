#!lua
--[[
  The buyer-side step of expiry and reconciliation. Cancels an unpaid order past its deadline; when
  no order exists, writes a tombstone so it can never be created later (its reservation is then
  released safely).
  Input:
    KEYS[1] order hash
    ARGV[1] now (ms)
    ARGV[2] tombstone lifetime (ms)
  Output:
    {0, status, changed}  status after the call: void | unpaid | paid | shipped | received | cancelled;
                          changed = 1 when this call cancelled the order or wrote the tombstone
]]
local orderKey = KEYS[1]
local order = redis.call('HMGET', orderKey, 'status', 'expires_at')
if not order[1] then
  redis.call('HSET', orderKey, 'status', 'void')
  redis.call('PEXPIRE', orderKey, ARGV[2])
  return {0, 'void', 1}
end
if order[1] == 'unpaid' and tonumber(order[2]) <= tonumber(ARGV[1]) then
  redis.call('HSET', orderKey, 'status', 'cancelled', 'cancelled_at', ARGV[1], 'cancel_reason', 'expired')
  return {0, 'cancelled', 1}
end
return {0, order[1], 0}
