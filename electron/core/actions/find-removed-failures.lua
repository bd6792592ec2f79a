--[[
  Finds, in one page of a queue's failed zset (bounds from failed-pages.lua), the jobs that
  failed with the remove policy (removeDependencyOnFailure, `rdof` in the `parent` JSON, and
  none of fpof / cpof / idof, which BullMQ's moveChildFromDependenciesIfNeeded tests first).
  BullMQ keeps no trace of them in any bucket of their parent (it only SREMs them from
  `:dependencies`): their own `parentKey` is the only link left. Read-only.

  KEYS[1]  the queue key P:Q
  ARGV[1]  from score, ARGV[2] to score (as ZRANGEBYSCORE takes them)

  Reads: P:Q:failed, P:Q:id (HGET parent; parentKey only for a match). The ids never leave
  Redis: only matches do. About 1.5 µs a job.
  Reply: { jobKey, parentKey, jobKey, parentKey, ... }
]]
local rcall = redis.call
local queueKey = KEYS[1]
local ids = rcall("ZRANGEBYSCORE", queueKey .. ":failed", ARGV[1], ARGV[2])
local out = {}
for i = 1, #ids do
  local key = queueKey .. ":" .. ids[i]
  local raw = rcall("HGET", key, "parent")
  -- Decode only what can be rdof: most failed jobs have no parent or another policy.
  if raw and string.find(raw, "rdof", 1, true) then
    local ok, parent = pcall(cjson.decode, raw)
    if ok and type(parent) == "table" and parent["rdof"] and not parent["fpof"] and not parent["cpof"] and not parent["idof"] then
      local parentKey = rcall("HGET", key, "parentKey")
      if parentKey and parentKey ~= "" then
        out[#out + 1] = key
        out[#out + 1] = parentKey
      end
    end
  end
end
return out
