#!lua
--[[
  Restocks a listed book.
  Input:
    KEYS[1] store hash
    KEYS[2] stock (book id -> level)
    KEYS[3] supplied (book id -> initial + restocks)
    KEYS[4] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] acting user id (must own the store)
    ARGV[2] book id
    ARGV[3] amount to add (> 0)
    ARGV[4] success answer to record under the Idempotency-Key ('' when none)
    ARGV[5] how long to keep it (ms)
  Output:
    {0, newLevel}
    {4} store missing, {6} not the owner, {7} book missing in this store,
    {19, 'add_stock_level'} the level would pass 2^53 - 1
]]
--@include idempotency
if alreadyApplied(KEYS[4], ARGV[4]) then return {0} end
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner then return {4} end
if owner ~= ARGV[1] then return {6} end
local level = redis.call('HGET', KEYS[2], ARGV[2])
if not level then return {7} end
if tonumber(level) + tonumber(ARGV[3]) > 9007199254740991 then return {19, 'add_stock_level'} end
redis.call('HINCRBY', KEYS[3], ARGV[2], ARGV[3])
local result = redis.call('HINCRBY', KEYS[2], ARGV[2], ARGV[3])
markApplied(KEYS[4], ARGV[4], ARGV[5])
return {0, result}
