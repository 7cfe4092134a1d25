#!lua
--[[
  Opens a store for its owner.
  Input:
    KEYS[1] store hash
    ARGV[1] owner user id
    ARGV[2] now (ms)
  Output:
    {0} created
    {5, owner} store id exists (with its owner)
]]
local storeKey = KEYS[1]
local owner = redis.call('HGET', storeKey, 'owner')
if owner then return {5, owner} end
redis.call('HSET', storeKey, 'owner', ARGV[1], 'created_at', ARGV[2])
return {0}
