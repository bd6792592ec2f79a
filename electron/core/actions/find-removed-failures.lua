--[[
  Picks, from a page of a queue's failed zset, the jobs that failed with the remove policy
  (removeDependencyOnFailure, `rdof` in the `parent` JSON). BullMQ keeps no trace of them in
  any bucket of their parent (moveChildFromDependenciesIfNeeded in moveToFinished-14.lua only
  SREMs them from `:dependencies`): their own `parentKey` is the only link left. Read-only.

  KEYS[1]   the queue key P:Q (routing only)
  ARGV[i]   job ids from P:Q:failed

  Reads: P:Q:id (HMGET parentKey, parent)
  Reply: { jobKey, parentKey, jobKey, parentKey, ... } for the rdof jobs only
]]
local rcall = redis.call
local queueKey = KEYS[1]
local out = {}
for _, id in ipairs(ARGV) do
  local key = queueKey .. ":" .. id
  local f = rcall("HMGET", key, "parentKey", "parent")
  local ok, parent = false, nil
  if f[1] and f[2] then ok, parent = pcall(cjson.decode, f[2]) end
  if ok and type(parent) == "table" and parent["rdof"] then
    out[#out + 1] = key
    out[#out + 1] = f[1]
  end
end
return out
