-- The status of an order hash, or nil when there is no order (absent, or a tombstone written by
-- expireOrder for an order that was never created).
local function orderStatus(orderKey)
  local status = redis.call('HGET', orderKey, 'status')
  if not status or status == 'void' then return nil end
  return status
end
