-- Returns nil, balance when the user exists, is active and its epoch (bumped by password change and
-- unregister) equals `epoch`; else the script code to return: 1 user missing, 2 auth failed. (The
-- balance comes with the same read, for the scripts that move money.)
local function checkUser(userKey, epoch)
  local u = redis.call('HMGET', userKey, 'state', 'epoch', 'balance')
  if not u[1] then return 1 end
  if u[1] ~= 'active' or u[2] ~= epoch then return 2 end
  return nil, u[3]
end
