#!lua
--[[
  Lists a new book in a store with its price and initial stock.
  Input:
    KEYS[1] store hash
    KEYS[2] stock (book id -> level)
    KEYS[3] supplied (book id -> initial + restocks)
    KEYS[4] prices (book id -> cents)
    KEYS[5] books (book id -> JSON fields)
    KEYS[6] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] acting user id (must own the store)
    ARGV[2] book id
    ARGV[3] price (cents)
    ARGV[4] initial stock level
    ARGV[5] book JSON
    ARGV[6] success answer to record under the Idempotency-Key ('' when none)
    ARGV[7] how long to keep it (ms)
  Output:
    {0} listed
    {4} store missing, {6} not the owner, {8} book id exists in this store
]]
--@include idempotency
if alreadyApplied(KEYS[6], ARGV[6]) then return {0} end
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner then return {4} end
if owner ~= ARGV[1] then return {6} end
local bookId = ARGV[2]
if redis.call('HEXISTS', KEYS[4], bookId) == 1 then return {8} end
redis.call('HSET', KEYS[2], bookId, ARGV[4])
redis.call('HSET', KEYS[3], bookId, ARGV[4])
redis.call('HSET', KEYS[4], bookId, ARGV[3])
redis.call('HSET', KEYS[5], bookId, ARGV[5])
markApplied(KEYS[6], ARGV[6], ARGV[7])
return {0}
