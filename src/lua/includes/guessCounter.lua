-- Wrong-password counters (string keys): a counter holds the wrong passwords of its window, which
-- opens with the first one and closes when the key expires. A guess is counted before the password
-- is checked (so parallel guesses cannot overrun a limit) and given back when it proves right.
local function guessCounter(key)
  return tonumber(redis.call('GET', key) or '0')
end

local function countGuess(key, windowMs)
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, windowMs) end
end

local function giveGuessBack(key)
  if guessCounter(key) > 1 then redis.call('DECR', key) else redis.call('DEL', key) end
end

-- How long until the counter's window closes (ms, at least 1).
local function guessWindowLeft(key)
  return math.max(1, redis.call('PTTL', key))
end
