--[[
  Finds, in a page of one queue's failed zset, the jobs that failed with the remove policy
  (removeDependencyOnFailure, `rdof` in the `parent` JSON). BullMQ keeps no trace of them in any
  bucket of their parent (moveChildFromDependenciesIfNeeded in moveToFinished-14.lua only
  SREMs them from `:dependencies`): their own `parentKey` is the only link left. Read-only.

  KEYS[1]  the queue key P:Q
  ARGV[1]  from score (ms): the failed zset is scored by failure time
  ARGV[2]  how many members at exactly that score the previous page already returned
  ARGV[3]  page size

  Pages by score (ZRANGEBYSCORE ... LIMIT), not by rank, so jobs removed from the front of the
  set meanwhile (retention trimming) shift nothing. The ids never leave Redis: only matches do.

  Reads: P:Q:failed, P:Q:id (HGET parent, parentKey)
  Reply: { next from score, next skip, "1" when this was the last page, jobKey, parentKey, ... }
]]
local rcall = redis.call
local queueKey = KEYS[1]
local from = ARGV[1]
local skip = tonumber(ARGV[2])
local size = tonumber(ARGV[3])

local page = rcall("ZRANGEBYSCORE", queueKey .. ":failed", from, "+inf", "WITHSCORES", "LIMIT", skip, size)
local out = { from, skip, #page < size * 2 and "1" or "0" }
local lastScore, sameScore = from, skip
for i = 1, #page, 2 do
  local id, score = page[i], page[i + 1]
  if score == lastScore then
    sameScore = sameScore + 1
  else
    lastScore, sameScore = score, 1
  end
  local key = queueKey .. ":" .. id
  -- Decode only what can be rdof: most failed jobs have no parent or another policy.
  local raw = rcall("HGET", key, "parent")
  if raw and string.find(raw, "rdof", 1, true) then
    local ok, parent = pcall(cjson.decode, raw)
    local parentKey = rcall("HGET", key, "parentKey")
    if ok and type(parent) == "table" and parent["rdof"] and parentKey then
      out[#out + 1] = key
      out[#out + 1] = parentKey
    end
  end
end
out[1], out[2] = lastScore, sameScore
return out
