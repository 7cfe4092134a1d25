#!lua flags=no-writes
--[[
  The store-side checks of shipping: the store exists, the seller owns it, the order is the store's.
  Input:
    KEYS[1] store hash
    KEYS[2] reservation hash of the order
    ARGV[1] acting user id
  Output:
    {0, buyer}
    {4} store missing, {6} not the owner, {10} no such order in this store
]]
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner then return {4} end
if owner ~= ARGV[1] then return {6} end
local buyer = redis.call('HGET', KEYS[2], 'buyer')
if not buyer then return {10} end
return {0, buyer}
