--@include checkUser
-- Returns nil when a session token (its signature already checked in the process) is still valid:
-- the user active at the token's `epoch` and the token id not revoked; else the script code to
-- return: 1 user missing, 2 auth failed.
local function checkToken(userKey, revokedKey, epoch, tokenId)
  local failed = checkUser(userKey, epoch)
  if failed then return failed end
  if redis.call('ZSCORE', revokedKey, tokenId) then return 2 end
  return nil
end
