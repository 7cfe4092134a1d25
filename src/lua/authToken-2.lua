#!lua flags=no-writes
--[[
  Checks that a token (already verified by signature and expiry) is still valid for its user.
  Input:
    KEYS[1] user hash
    KEYS[2] revoked token ids (sorted set)
    ARGV[1] epoch carried by the token ('' for a token that failed its signature check)
    ARGV[2] token id
  Output:
    {0} valid
    {1} user missing, {2} auth failed (bad token, closed account, password changed, logged out)
]]
--@include checkToken
local failed = checkToken(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
if failed then return {failed} end
return {0}
