-- Idempotency-Key support inside effect scripts. `recordKey` is the request's record in this
-- script's slot and `answer` the JSON of its success answer ('' when the request has no key).
-- Records the answer in the same atomic step as the effect, so a crash before the HTTP layer stores
-- it still replays instead of applying the effect twice.
local function markApplied(recordKey, answer, ttlMs)
  if answer == '' then return end
  redis.call('HSET', recordKey, 'state', 'done', 'status', '200', 'body', answer)
  redis.call('PEXPIRE', recordKey, ttlMs)
end

-- True when this record says the effect was applied already (for a retry after a crash).
local function alreadyApplied(recordKey, answer)
  return answer ~= '' and redis.call('HGET', recordKey, 'state') == 'done'
end
