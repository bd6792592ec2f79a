--[[
  Finds, in one bounded page of a queue's failed zset, the jobs that failed with the remove
  policy (removeDependencyOnFailure, `rdof` in the `parent` JSON, and none of fpof / cpof /
  idof, which BullMQ's moveChildFromDependenciesIfNeeded tests first). BullMQ keeps no trace of
  them in any bucket of their parent (it only SREMs them from `:dependencies`): their own
  `parentKey` is the only link left. Read-only.

  A page runs from a cursor to a cursor, each a (score, member) position in the zset's order
  (score, then member), and reads ARGV[5] jobs at most: jobs that failed in the same
  millisecond (one score) are cut like any others, so no call holds Redis for longer than its
  count costs (~1.5 µs a job). A cursor is found again by ZRANK when its member is still there
  with that score, else (it left the set: a retry, retention trimming) at the start of its
  score, which reads a few jobs twice (the caller drops repeats) and skips none.

  KEYS[1]  the queue key P:Q
  ARGV[1]  from score, ARGV[2] from member ("" = the first job of that score): inclusive
  ARGV[3]  to score ("+inf" = the end of the set), ARGV[4] to member ("" = the first job of
           that score): exclusive
  ARGV[5]  the most jobs read
  ARGV[6]  page size for the rest (first call of a queue): when the range holds more than
           ARGV[5] jobs, the start cursors of the pages after this one, every ARGV[6] jobs
           by rank now, so the caller sends them all in one round trip; "0" = none.

  Reads: P:Q:failed, P:Q:id (HGET parent; parentKey only for a match). The ids never leave
  Redis: only matches do.
  Reply: { {jobKey, parentKey, ...}, next, starts }: `next` = {score, member} where this page
  stopped short of its end ({} when it read to the end), `starts` = {score, member, ...} the
  start cursors of the pages after it (only with ARGV[6]; then `next` is the first of them).
]]
--- @include "key-type"
local rcall = redis.call
local queueKey = KEYS[1]
local key = queueKey .. ":failed"
local count = math.max(1, tonumber(ARGV[5]) or 1000)
local step = tonumber(ARGV[6]) or 0

if keyType(key) ~= "zset" then return { {}, {}, {} } end

-- The rank of a cursor: its member's own when it is still there with that score, else the first
-- rank of that score (the jobs scored lower come before it).
local function rankOf(score, member)
  if score == "+inf" then return rcall("ZCARD", key) end
  if member ~= "" then
    local at = rcall("ZSCORE", key, member)
    if at and tonumber(at) == tonumber(score) then return rcall("ZRANK", key, member) end
  end
  return rcall("ZCOUNT", key, "-inf", "(" .. score)
end

local first = rankOf(ARGV[1], ARGV[2])
local stop = rankOf(ARGV[3], ARGV[4]) -- exclusive
local last = math.min(stop, first + count) - 1

local out = {}
if last >= first then
  local ids = rcall("ZRANGE", key, first, last)
  for i = 1, #ids do
    local jobKey = queueKey .. ":" .. ids[i]
    local raw = rcall("HGET", jobKey, "parent")
    -- Decode only what can be rdof: most failed jobs have no parent or another policy.
    if raw and string.find(raw, "rdof", 1, true) then
      local ok, parent = pcall(cjson.decode, raw)
      if ok and type(parent) == "table" and parent["rdof"] and not parent["fpof"] and not parent["cpof"] and not parent["idof"] then
        local parentKey = rcall("HGET", jobKey, "parentKey")
        if parentKey and parentKey ~= "" then
          out[#out + 1] = jobKey
          out[#out + 1] = parentKey
        end
      end
    end
  end
end

local next, starts = {}, {}
if last + 1 < stop then
  -- Cursors by rank as the set is now: each found again by (score, member) when it is read.
  local size = step > 0 and step or count
  local limit = step > 0 and stop - 1 or last + 1
  for r = last + 1, limit, size do
    local at = rcall("ZRANGE", key, r, r, "WITHSCORES")
    if at[1] then
      starts[#starts + 1] = at[2]
      starts[#starts + 1] = at[1]
    end
  end
  if #starts > 0 then next = { starts[1], starts[2] } end
  if step <= 0 then starts = {} end
end
return { out, next, starts }
