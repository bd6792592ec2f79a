--[[
  Walks up from a job through the `parentKey` field of each job hash (the link BullMQ's
  moveToFinished follows to reach a parent), in one call.

  KEYS[1]  the job to start from (P:Q:id)
  ARGV[1]  most hops to take (a guard; flows are shallow)

  Reads TYPE and HGET parentKey of each job on the way; writes nothing.

  Reply: { status, problemKey, parentKey... } with the parents nearest first.
    status "ok"         reached a job with no parentKey
           "cycle"      the next parentKey was already visited (problemKey = that key)
           "missing"    the next parentKey has no job hash (problemKey = that key)
           "wrong-type" the next parentKey is not a hash (problemKey = that key)
           "too-deep"   stopped after ARGV[1] hops
]]
--- @include "key-type"
local rcall = redis.call
local maxHops = tonumber(ARGV[1]) or 1000
local key = KEYS[1]
local visited = { [key] = true }
local chain = { "ok", "" }

if keyType(key) ~= "hash" then
  return chain
end

for _ = 1, maxHops do
  local parentKey = rcall("HGET", key, "parentKey")
  if not parentKey or parentKey == "" then
    return chain
  end
  if visited[parentKey] then
    chain[1], chain[2] = "cycle", parentKey
    return chain
  end
  local t = keyType(parentKey)
  if t == "none" then
    chain[1], chain[2] = "missing", parentKey
    return chain
  end
  if t ~= "hash" then
    chain[1], chain[2] = "wrong-type", parentKey
    return chain
  end
  visited[parentKey] = true
  chain[#chain + 1] = parentKey
  key = parentKey
end
chain[1] = "too-deep"
return chain
