--[[
  Applies one batch of a "retry failed children" plan (retry-plan.ts) atomically: every
  operation's precondition is checked first, and on any mismatch nothing is written.

  KEYS[1]   the action's parent key (routing only: like BullMQ's own flow scripts this touches
            keys it does not declare, so on Cluster a flow's queues need one hash-tagged prefix)
  ARGV[1]   timestamp in ms (waiting-children score, as moveToWaitingChildren-7.lua uses)
  ARGV[2]   "1" to reset attempts: HDEL atm, ats (reprocessJob-9.lua's resetAttemptsMade/Started)
  ARGV[3..] operations, four fields each: op, a, b, c
    link    child  parent  from   re-link child into parent's :dependencies; from = unsuccessful
                                  (ZREM), failed (HDEL, the ignored bucket), processed (HDEL) or
                                  none (remove policy: in no bucket, its parentKey must be parent)
    reopen  job    from    ""     from = failed | completed | waiting | prioritized | delayed:
                                  back to waiting-children
    retry   job    ""      ""     failed -> wait / prioritized

  Reads:  P:Q:id, P:Q:id:lock, P:Q:<state> sets and lists, parent buckets, P:Q:meta
  Writes, per operation:
    link:   parent:unsuccessful | parent:failed | parent:processed, parent:dependencies (SADD),
            as moveChildBackToParentDependencies.lua (reprocessJob-9.lua) does for one child
    reopen: P:Q:<from> (ZREM / LREM), P:Q:waiting-children (ZADD timestamp), the job hash (HDEL
            finishedOn processedOn failedReason returnvalue defa [atm ats]), P:Q:events
            (XADD waiting-children, prev = from; MAXLEN ~ meta opts.maxLenEvents). No BullMQ script
            does this from outside a worker: it is moveToWaitingChildren-7.lua's ZADD + event,
            applied to a job that already left.
    retry:  mirrors reprocessJob-9.lua (Job.retry('failed')): ZREM P:Q:failed, HDEL finishedOn
            processedOn failedReason defa [atm ats] (stacktrace kept, as BullMQ keeps it), then
            wait (LPUSH, RPUSH for lifo) or, with a priority, P:Q:prioritized scored from the
            P:Q:pc counter (getPriorityScore.lua); a marker on P:Q:marker (ZADD 0 "0") unless the
            queue is paused or at its concurrency (isQueuePausedOrMaxed.lua); XADD waiting, prev
            failed.

  Returns { "ok" } or { "conflict", key, reason } (then nothing was written).
]]
local rcall = redis.call
local now = ARGV[1]
local resetAttempts = ARGV[2] == "1"
local FIRST = 3

local function splitKey(key)
  return string.match(key, "^(.*):([^:]+)$")
end

-- getOrSetMaxEvents.lua
local maxEventsCache = {}
local function maxEvents(queueKey)
  local cached = maxEventsCache[queueKey]
  if cached then return cached end
  local metaKey = queueKey .. ":meta"
  local value = rcall("HGET", metaKey, "opts.maxLenEvents")
  if not value then
    value = 10000
    rcall("HSET", metaKey, "opts.maxLenEvents", value)
  end
  maxEventsCache[queueKey] = value
  return value
end

-- isQueuePausedOrMaxed.lua
local function isPausedOrMaxed(queueKey)
  local attrs = rcall("HMGET", queueKey .. ":meta", "paused", "concurrency")
  if attrs[1] then return true end
  if attrs[2] then
    return rcall("LLEN", queueKey .. ":active") >= tonumber(attrs[2])
  end
  return false
end

local function isActive(queueKey, id, key)
  if rcall("EXISTS", key .. ":lock") == 1 then return true end
  return rcall("LPOS", queueKey .. ":active", id) ~= false
end

local function inState(queueKey, id, state)
  if state == "waiting" then
    return rcall("LPOS", queueKey .. ":wait", id) ~= false or rcall("LPOS", queueKey .. ":paused", id) ~= false
  end
  return rcall("ZSCORE", queueKey .. ":" .. state, id) ~= false
end

local REOPEN_FROM = { failed = true, completed = true, waiting = true, prioritized = true, delayed = true }

local function check(op, a, b, c)
  if op == "link" then
    if rcall("EXISTS", b) == 0 then return a, "parent " .. b .. " is gone" end
    if c == "unsuccessful" then
      if not rcall("ZSCORE", b .. ":unsuccessful", a) then return a, "no longer in the parent's failed bucket" end
    elseif c == "failed" then
      if rcall("HEXISTS", b .. ":failed", a) == 0 then return a, "no longer in the parent's ignored bucket" end
    elseif c == "processed" then
      if rcall("HEXISTS", b .. ":processed", a) == 0 then return a, "no longer in the parent's processed bucket" end
    elseif c == "none" then
      if rcall("SISMEMBER", b .. ":dependencies", a) == 1 then return a, "already pending in its parent" end
      if rcall("HGET", a, "parentKey") ~= b then return a, "its parentKey changed" end
    else
      return a, "unknown bucket " .. c
    end
    return nil
  end
  local queueKey, id = splitKey(a)
  if not queueKey or rcall("EXISTS", a) == 0 then return a, "job is gone" end
  if op == "reopen" then
    if not REOPEN_FROM[b] then return a, "cannot reopen from " .. b end
    if isActive(queueKey, id, a) then return a, "is active (locked by a worker)" end
    if not inState(queueKey, id, b) then return a, "is no longer " .. b end
    return nil
  end
  if op == "retry" then
    if rcall("EXISTS", a .. ":lock") == 1 then return a, "is locked by a worker" end
    if not inState(queueKey, id, "failed") then return a, "is no longer failed" end
    return nil
  end
  return a, "unknown operation " .. op
end

local function clearFields(key, extra)
  local fields = { "finishedOn", "processedOn", "failedReason", "defa" }
  for _, f in ipairs(extra) do fields[#fields + 1] = f end
  if resetAttempts then
    fields[#fields + 1] = "atm"
    fields[#fields + 1] = "ats"
  end
  rcall("HDEL", key, unpack(fields))
end

local function link(child, parent, from)
  if from == "unsuccessful" then
    rcall("ZREM", parent .. ":unsuccessful", child)
  elseif from == "failed" or from == "processed" then
    rcall("HDEL", parent .. ":" .. from, child)
  end
  rcall("SADD", parent .. ":dependencies", child)
end

local function reopen(key, from)
  local queueKey, id = splitKey(key)
  if from == "waiting" then
    if rcall("LREM", queueKey .. ":wait", 1, id) == 0 then rcall("LREM", queueKey .. ":paused", 1, id) end
  else
    rcall("ZREM", queueKey .. ":" .. from, id)
  end
  rcall("ZADD", queueKey .. ":waiting-children", now, id)
  clearFields(key, { "returnvalue" })
  rcall("XADD", queueKey .. ":events", "MAXLEN", "~", maxEvents(queueKey), "*", "event", "waiting-children",
    "jobId", id, "prev", from)
end

local function lifoOf(key)
  local raw = rcall("HGET", key, "opts")
  if not raw then return false end
  local ok, opts = pcall(cjson.decode, raw)
  return ok and type(opts) == "table" and opts["lifo"] == true
end

local function retry(key)
  local queueKey, id = splitKey(key)
  rcall("ZREM", queueKey .. ":failed", id)
  clearFields(key, {})
  local priority = tonumber(rcall("HGET", key, "priority")) or 0
  local pausedOrMaxed = isPausedOrMaxed(queueKey)
  if priority == 0 then
    rcall(lifoOf(key) and "RPUSH" or "LPUSH", queueKey .. ":wait", id)
  else
    local counter = rcall("INCR", queueKey .. ":pc")
    rcall("ZADD", queueKey .. ":prioritized", priority * 0x100000000 + counter % 0x100000000, id)
  end
  if not pausedOrMaxed then rcall("ZADD", queueKey .. ":marker", 0, "0") end
  rcall("XADD", queueKey .. ":events", "MAXLEN", "~", maxEvents(queueKey), "*", "event", "waiting",
    "jobId", id, "prev", "failed")
end

for i = FIRST, #ARGV, 4 do
  local key, reason = check(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
  if key then return { "conflict", key, reason } end
end

for i = FIRST, #ARGV, 4 do
  local op, a, b, c = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if op == "link" then
    link(a, b, c)
  elseif op == "reopen" then
    reopen(a, b)
  else
    retry(a)
  end
end
return { "ok" }
