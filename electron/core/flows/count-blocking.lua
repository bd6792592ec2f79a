--[[
  Counts, for each parent, the children in its unprocessed bucket whose own state is failed:
  children with no failure policy that failed for good stay in `:dependencies` and block the
  parent for ever (docs/BULLMQ-FLOWS.md, "What a child's final failure does").

  KEYS[i]  parent job keys P:Q:id
  ARGV[1]  most members to look at per parent (bounds the call on a huge fan-out)

  Reads, never writes:
    P:Q:id:dependencies           SSCAN (a key of another type counts as 0)
    <child queue key>:failed       ZSCORE (the child's queue key is its key minus ":id")

  Reply, one entry per parent: { blocking count, 1 when the bucket was cut at ARGV[1] else 0 }
]]
--- @include "key-type"
local limit = tonumber(ARGV[1]) or 10000
local reply = {}
for i, parentKey in ipairs(KEYS) do
  local depsKey = parentKey .. ":dependencies"
  local blocking, seen, cut = 0, 0, 0
  if keyType(depsKey) == "set" then
    local cursor = "0"
    repeat
      local page = redis.call("SSCAN", depsKey, cursor, "COUNT", 1000)
      cursor = page[1]
      for _, childKey in ipairs(page[2]) do
        seen = seen + 1
        local queueKey, childId = string.match(childKey, "^(.*):([^:]+)$")
        if queueKey and keyType(queueKey .. ":failed") == "zset"
          and redis.call("ZSCORE", queueKey .. ":failed", childId) then
          blocking = blocking + 1
        end
      end
      if seen >= limit and cursor ~= "0" then
        cut = 1
        cursor = "0"
      end
    until cursor == "0"
  end
  reply[i] = { blocking, cut }
end
return reply
