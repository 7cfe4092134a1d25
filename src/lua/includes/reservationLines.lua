-- An order's lines as its store's reservation keeps them: one field per line, '<n>' (1-based) ->
-- '<count> <price> <book id>', short enough for Redis's compact listpack encoding. A reservation
-- written before that format holds them as one JSON field, `items`: [[book id, count, price], ...].
-- Returns the lines as {book id, count} (counts as numbers).
local function reservationLines(resvKey)
  local lines = {}
  local legacy = redis.call('HGET', resvKey, 'items')
  if legacy then
    for _, item in ipairs(cjson.decode(legacy)) do lines[#lines + 1] = {item[1], tonumber(item[2])} end
    return lines
  end
  local fields = redis.call('HGETALL', resvKey)
  for i = 1, #fields, 2 do
    if string.find(fields[i], '^%d+$') then
      local count, book = string.match(fields[i + 1], '^(%d+) %d+ (.*)$')
      lines[#lines + 1] = {book, tonumber(count)}
    end
  end
  return lines
end
