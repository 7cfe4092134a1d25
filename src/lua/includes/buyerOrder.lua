--@include checkUser
-- The common start of the buyer's order scripts: the user is active at `epoch`, the order exists and
-- is not cancelled. Returns status, nil, order, balance, where `order` holds the status and then the
-- order's fields named after `epoch` (read in the same call); or nil, the script code to return
-- (1, 2, 10 or 15).
local function buyerOrder(userKey, orderKey, epoch, ...)
  local failed, balance = checkUser(userKey, epoch)
  if failed then return nil, failed end
  local order = redis.call('HMGET', orderKey, 'status', ...)
  local status = order[1]
  -- No order: absent, or a tombstone written by expireOrder for an order never created.
  if not status or status == 'void' then return nil, 10 end
  if status == 'cancelled' then return nil, 15 end
  return status, nil, order, balance
end
