#!lua
--[[
  Reserves stock for every line of a new order, all lines or none, at the listed prices, and records
  the payment deadline in the store's slot: the durable intent that the expiry sweep finds even when
  the order is never created (the process died before that step).
  Input:
    KEYS[1] store hash
    KEYS[2] stock (book id -> level)
    KEYS[3] prices (book id -> cents)
    KEYS[4] reservation hash of this order
    KEYS[5] store's order index (sorted set)
    KEYS[6] store's payment deadlines (sorted set: order id -> deadline), swept by the expiry workers
    ARGV[1] order id
    ARGV[2] buyer user id
    ARGV[3] now (ms)
    ARGV[4] payment deadline (ms)
    ARGV[5..] pairs: book id, count (ids distinct, counts >= 1)
  Output:
    {0, owner, amount}  (the lines are kept in the reservation, one field each: see the include
                         reservationLines)
    {4} store missing, {7, bookId} book missing, {9, bookId} stock too low,
    {19, 'order_id'} order id reused, {19, 'books'} order amount past 2^53 - 1
]]
local storeKey, stockKey, pricesKey, resvKey, indexKey, dueKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
if not redis.call('HGET', storeKey, 'owner') then return {4} end
if redis.call('EXISTS', resvKey) == 1 then return {19, 'order_id'} end

local lines = (#ARGV - 4) / 2
local ids = {}
for i = 1, lines do ids[i] = ARGV[3 + 2 * i] end
local prices = redis.call('HMGET', pricesKey, unpack(ids))
local stock = redis.call('HMGET', stockKey, unpack(ids))
for i = 1, lines do
  if not prices[i] then return {7, ids[i]} end
end
-- Each book's level after this order (an id listed twice draws on the same level).
local level, amount = {}, 0
for i = 1, lines do
  local bookId, count = ids[i], tonumber(ARGV[4 + 2 * i])
  local left = (level[bookId] or tonumber(stock[i] or '0')) - count
  if left < 0 then return {9, bookId} end
  level[bookId] = left
  amount = amount + tonumber(prices[i]) * count
end
if amount > 9007199254740991 then return {19, 'books'} end

-- One write per key: the new levels, and the reservation with one field per line.
local levels, fields = {}, {'buyer', ARGV[2], 'state', 'held'}
for i = 1, lines do
  local bookId = ids[i]
  levels[2 * i - 1], levels[2 * i] = bookId, string.format('%d', level[bookId])
  fields[2 * i + 3], fields[2 * i + 4] = i, ARGV[4 + 2 * i] .. ' ' .. prices[i] .. ' ' .. bookId
end
redis.call('HSET', stockKey, unpack(levels))
redis.call('HSET', resvKey, unpack(fields))
redis.call('ZADD', indexKey, ARGV[3], ARGV[1])
redis.call('ZADD', dueKey, ARGV[4], ARGV[1])
return {0, string.format('%d', amount)}
