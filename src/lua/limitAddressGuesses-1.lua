#!lua
--[[
  The per-address part of the wrong-password limit, in the address's own slot: a client address may
  make `perAddress` wrong guesses per window, at any users (looser than the per-user limit: many
  users may share an address).
  Input:
    KEYS[1] wrong guesses from this address (counter)
    ARGV[1] 'take' (count one guess, unless refused), 'known' (a password known right: only tell), 'back' or 'right' (give a
            counted guess back)
    ARGV[2] perAddress
    ARGV[3] window (ms)
  Output:
    {0, 0} allowed ('take': counted)
    {0, retryMs} refused, nothing counted: retry after `retryMs`
]]
--@include guessCounter
local key = KEYS[1]
local mode = ARGV[1]
if mode == 'right' or mode == 'back' then
  giveGuessBack(key)
  return {0, 0}
end
if guessCounter(key) >= tonumber(ARGV[2]) then return {0, guessWindowLeft(key)} end
if mode == 'take' then countGuess(key, ARGV[3]) end
return {0, 0}
