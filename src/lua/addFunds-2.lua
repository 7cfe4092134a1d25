#!lua
--[[
  Tops up (positive) or withdraws (negative) a balance. A withdrawal never takes it below zero and
  no balance grows past 2^53 - 1, where Lua numbers stop being exact.
  Input:
    KEYS[1] user hash
    KEYS[2] idempotency record of the request in this slot (any key of the slot when it has none)
    ARGV[1] epoch the password was verified against
    ARGV[2] delta in cents (non-zero integer)
    ARGV[3] success answer to record under the Idempotency-Key ('' when none)
    ARGV[4] how long to keep it (ms)
  Output:
    {0, newBalance}
    {1} user missing, {2} auth failed, {11} balance too low, {19, 'add_value'} balance would overflow
]]
--@include idempotency
--@include checkUser
local userKey = KEYS[1]
local failed = checkUser(userKey, ARGV[1])
if failed then return {failed} end
local delta = tonumber(ARGV[2])
local balance = tonumber(redis.call('HGET', userKey, 'balance'))
if balance + delta < 0 then return {11} end
if balance + delta > 9007199254740991 then return {19, 'add_value'} end
redis.call('HINCRBY', userKey, 'deposited', ARGV[2])
local result = redis.call('HINCRBY', userKey, 'balance', ARGV[2])
markApplied(KEYS[2], ARGV[3], ARGV[4])
return {0, result}
