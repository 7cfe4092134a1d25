#!lua
--[[
  Opens a store for its owner.
  Input:
    KEYS[1] store hash
    KEYS[2] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] owner user id
    ARGV[2] now (ms)
    ARGV[3] success answer to record under the Idempotency-Key ('' when none)
    ARGV[4] how long to keep it (ms)
  Output:
    {0} created
    {5, owner} store id exists (with its owner)
]]
--@include idempotency
if alreadyApplied(KEYS[2], ARGV[3]) then return {0} end
local storeKey = KEYS[1]
local owner = redis.call('HGET', storeKey, 'owner')
if owner then return {5, owner} end
redis.call('HSET', storeKey, 'owner', ARGV[1], 'created_at', ARGV[2])
markApplied(KEYS[2], ARGV[3], ARGV[4])
return {0}
