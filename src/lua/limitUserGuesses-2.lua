#!lua
--[[
  The per-user part of the wrong-password limit, in the user's slot. A client address may make
  `perUserAddress` wrong guesses at one user per window; once the user has drawn `perUser` wrong
  guesses from all addresses together (a spread-out attack), each address may make only one. So a
  guesser never locks the user out: the user's own address, with no wrong guess of its own, is
  still let in.
  Input:
    KEYS[1] wrong guesses at this user from this address (counter)
    KEYS[2] wrong guesses at this user from every address (counter)
    ARGV[1] 'take' (count one guess, unless refused), 'known' (a password known right: unless
            refused, forget this address's guesses at the user), 'back' (give a counted guess
            back), 'right' (the password proved right: forget this address's guesses at the user,
            give the user's one back)
    ARGV[2] perUserAddress
    ARGV[3] perUser
    ARGV[4] window (ms)
  Output:
    {0, 0} allowed ('take': counted)
    {0, retryMs} refused, nothing counted: retry after `retryMs`
]]
--@include guessCounter
local fromKey, userKey = KEYS[1], KEYS[2]
local mode = ARGV[1]
if mode == 'right' or mode == 'back' then
  if mode == 'right' then redis.call('DEL', fromKey) else giveGuessBack(fromKey) end
  giveGuessBack(userKey)
  return {0, 0}
end
local from, all = guessCounter(fromKey), guessCounter(userKey)
local perUserAddress = tonumber(ARGV[2])
if from >= perUserAddress then return {0, guessWindowLeft(fromKey)} end
if all >= tonumber(ARGV[3]) and from >= 1 then
  return {0, math.min(guessWindowLeft(fromKey), guessWindowLeft(userKey))}
end
if mode == 'take' then
  countGuess(fromKey, ARGV[4])
  countGuess(userKey, ARGV[4])
elseif from > 0 then
  redis.call('DEL', fromKey)
end
return {0, 0}
