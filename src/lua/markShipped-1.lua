#!lua
--[[
  The seller ships a paid order (store ownership was checked by checkShipment).
  Input:
    KEYS[1] order hash (in the buyer's slot)
    ARGV[1] store id the seller acts for
    ARGV[2] now (ms)
  Output:
    {0} shipped
    {10} no such order in that store, {15} cancelled, {12} not paid, {18} shipped already,
    {17} received already
]]
--@include orderStatus
local orderKey = KEYS[1]
local status = orderStatus(orderKey)
if not status or redis.call('HGET', orderKey, 'store') ~= ARGV[1] then return {10} end
if status == 'cancelled' then return {15} end
if status == 'unpaid' then return {12} end
if status == 'shipped' then return {18} end
if status == 'received' then return {17} end
redis.call('HSET', orderKey, 'status', 'shipped', 'shipped_at', ARGV[2])
return {0}
