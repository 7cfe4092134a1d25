--@include checkUser
--@include orderStatus
-- The common start of the buyer's order scripts: the user is active at `epoch`, the order exists and
-- is not cancelled. Returns status, nil; or nil, the script code to return (1, 2, 10 or 15).
local function buyerOrder(userKey, orderKey, epoch)
  local failed = checkUser(userKey, epoch)
  if failed then return nil, failed end
  local status = orderStatus(orderKey)
  if not status then return nil, 10 end
  if status == 'cancelled' then return nil, 15 end
  return status, nil
end
