--[[
  Applies one batch of a "retry failed children" plan (plan-retry.ts) atomically: every
  operation's precondition is checked first, and on any mismatch nothing is written.

  KEYS[1]   the action's job key (routing only: like BullMQ's own flow scripts this touches keys
            it does not declare, so on Cluster a flow's queues need one hash-tagged prefix)
  ARGV[1]   timestamp in ms (waiting-children score, as moveToWaitingChildren-7.lua uses)
  ARGV[2]   "1" to reset attempts: HDEL atm, ats (reprocessJob-9.lua's resetAttemptsMade/Started)
  ARGV[3]   the operations, in order, as one JSON array of segments (one argument instead of
            thousands: far less work for the client, one cjson.decode here); a run of links
            into one parent from one bucket, or of retries under one parent from one state, is
            one segment that names them once:
              ["link", parent, from, children]  ["retry", parent, from, jobs]  (arrays of keys)
              ["link-waiting", parent, from, children]  ["reopen", job, from, parent]
  ARGV[4]   JSON object: queue key -> BullMQ layout "5" | "6" | "?" (queue-meta.lua targetList)
  Operations (as the checks and writes below take them: op, a, b, c):
    link    child  parent  from    re-link child into parent's :dependencies; from = unsuccessful
                                   (ZREM), failed (HDEL, the ignored bucket), processed (HDEL) or
                                   none (remove policy: in no bucket, its parentKey must be parent)
    link-waiting                   the same, and parent must be in waiting-children (or reopened
                                   earlier in this batch): the links of a node's children beyond
                                   its atomic unit, which go in later batches (plan-retry.ts)
    reopen  job    from    parent  from = failed | completed | waiting | prioritized | delayed:
                                   back to waiting-children
    retry   job    parent  from    from = failed (or completed: a child a stopped run re-linked but
                                   never reopened) -> wait / prioritized
  A non-empty `parent` on reopen / retry is a precondition that makes batches independent of
  each other: the job must be in that parent's :dependencies and the parent in waiting-children
  (counting links and reopens earlier in the same batch). A job only becomes runnable when a
  finished child will find its parent waiting for it; whatever ran before or failed, a batch
  can never release work into a parent that is closed.

  Reads:  P:Q:id, P:Q:id:lock, P:Q:<state> sets and lists, parent buckets, P:Q:meta
  Writes, per operation:
    link:   parent:unsuccessful | parent:failed | parent:processed, parent:dependencies (SADD),
            as moveChildBackToParentDependencies.lua (reprocessJob-9.lua) does for one child
    reopen: P:Q:<from> (ZREM / LREM), P:Q:waiting-children (ZADD timestamp), the job hash (HDEL
            finishedOn processedOn failedReason returnvalue defa [atm ats]), P:Q:events
            (XADD waiting-children, prev = from; MAXLEN ~ meta opts.maxLenEvents). No BullMQ script
            does this from outside a worker: it is moveToWaitingChildren-7.lua's ZADD + event,
            applied to a job that already left.
    retry:  mirrors reprocessJob (Job.retry(from); BullMQ 6 reprocessJob-9.lua, 5
            reprocessJob-8.lua): ZREM P:Q:<from>, HDEL finishedOn processedOn failedReason defa
            [atm ats] (and returnvalue from completed; stacktrace kept, as BullMQ keeps it), then
            the queue's target list
            (LPUSH, RPUSH for lifo): P:Q:wait, or P:Q:paused for a paused BullMQ 5 queue
            (targetList, as 5's getTargetQueueList.lua); with a priority, P:Q:prioritized
            scored from the P:Q:pc counter (getPriorityScore.lua) on both majors (BullMQ 5's
            reprocessJob ignores the priority; its moveToActive serves P:Q:prioritized as 6's
            does, and its resume wakes workers for it); one marker per queue on P:Q:marker
            (ZADD 0 "0") unless the queue is paused or at its concurrency
            (isQueuePausedOrMaxed.lua); XADD waiting, prev failed.
  Same-key writes of many operations (SADD, ZREM, HDEL on one parent, LPUSH on one queue) are
  sent as one command per 1,000 members: the result is the same, in far fewer calls.

  Returns { "ok" } or { "conflict", key, reason } (then nothing was written).
]]
--- @include "queue-meta"
local now = ARGV[1]
local resetAttempts = ARGV[2] == "1"
local SEGMENTS = cjson.decode(ARGV[3])
useLayouts(ARGV[4])
local CHUNK = 1000

-- Calls `cmd key member...` for a list of members, CHUNK at a time.
local function bulk(cmd, key, members)
  for i = 1, #members, CHUNK do
    rcall(cmd, key, unpack(members, i, math.min(i + CHUNK - 1, #members)))
  end
end

-- Lists of members per key, in first-seen order.
local function newGroups() return { order = {}, lists = {} } end
local function addTo(groups, key, member)
  local list = groups.lists[key]
  if not list then
    list = {}
    groups.lists[key] = list
    groups.order[#groups.order + 1] = key
  end
  list[#list + 1] = member
end

-- Calls fn(i, op, a, b, c) for every operation in order, i counting from 1; stops at the
-- first call that returns something, and returns that.
local function eachOp(fn)
  local i = 0
  for _, seg in ipairs(SEGMENTS) do
    local op = seg[1]
    if op == "link" or op == "link-waiting" or op == "retry" then
      local b, c = seg[2], seg[3]
      for _, a in ipairs(seg[4]) do
        i = i + 1
        local stop, reason = fn(i, op, a, b, c)
        if stop then return stop, reason end
      end
    else
      i = i + 1
      local stop, reason = fn(i, op, seg[2], seg[3], seg[4])
      if stop then return stop, reason end
    end
  end
  return nil
end

local function inState(queueKey, id, state)
  if state == "waiting" then
    return rcall("LPOS", queueKey .. ":wait", id) ~= false or rcall("LPOS", queueKey .. ":paused", id) ~= false
  end
  return rcall("ZSCORE", queueKey .. ":" .. state, id) ~= false
end

local REOPEN_FROM = { failed = true, completed = true, waiting = true, prioritized = true, delayed = true }

-- Job keys split once (splitKey is a pattern match).
local splitCache = {}
local function parts(key)
  local p = splitCache[key]
  if not p then
    local queueKey, id = splitKey(key)
    p = { queueKey or false, id }
    splitCache[key] = p
  end
  return p[1], p[2]
end

-- The membership checks of the common operations (a child in its parent's bucket, a job in its
-- state zset, a job hash that exists, a retried job in its parent's :dependencies) read what
-- was there before this batch, since the checks write nothing: they are asked first, one
-- command per key and CHUNK members (ZMSCORE, HMGET, EXISTS, SMISMEMBER), instead of one
-- command per operation. found[i] / exists[i] / pendingIn[i] answer operation i.
local found, exists, pendingIn = {}, {}, {}
do
  -- key -> { members = {...}, ops = {...} } in first-seen order
  local zsetAsks, hashAsks, setAsks = newGroups(), newGroups(), newGroups()
  local function ask(groups, key, i, member)
    local g = groups.lists[key]
    if not g then
      g = { members = {}, ops = {} }
      groups.lists[key] = g
      groups.order[#groups.order + 1] = key
    end
    g.members[#g.members + 1] = member
    g.ops[#g.ops + 1] = i
  end
  local retryKeys, retryOps = {}, {}
  -- Keys built once per call: a batch is mostly one parent's children, of one queue.
  local keyOf = keyCache()
  eachOp(function(i, op, a, b, c)
    if op == "link" or op == "link-waiting" then
      if c == "unsuccessful" or c == "failed" or c == "processed" then
        ask(c == "unsuccessful" and zsetAsks or hashAsks, keyOf(b, c), i, a)
      end
    elseif op == "retry" then
      local queueKey, id = parts(a)
      if queueKey and (c == "failed" or c == "completed") then ask(zsetAsks, keyOf(queueKey, c), i, id) end
      retryKeys[#retryKeys + 1] = a
      retryOps[#retryOps + 1] = i
      if b ~= "" then ask(setAsks, keyOf(b, "dependencies"), i, a) end
    end
  end)
  local hasZmscore = true
  local function zscores(key, members)
    if hasZmscore then
      local scores = redis.pcall("ZMSCORE", key, unpack(members))
      if type(scores) == "table" and not scores.err then return scores end
      hasZmscore = false -- before Redis 6.2
    end
    local scores = {}
    for j, m in ipairs(members) do scores[j] = rcall("ZSCORE", key, m) end
    return scores
  end
  local function answer(groups, read, into)
    for _, key in ipairs(groups.order) do
      local g = groups.lists[key]
      for from = 1, #g.members, CHUNK do
        local to = math.min(from + CHUNK - 1, #g.members)
        local replies = read(key, { unpack(g.members, from, to) })
        for j = from, to do into[g.ops[j]] = replies[j - from + 1] ~= false end
      end
    end
  end
  local hasSmismember = true
  local function members(key, list)
    if hasSmismember then
      local replies = redis.pcall("SMISMEMBER", key, unpack(list))
      if type(replies) == "table" and not replies.err then
        for j = 1, #replies do replies[j] = replies[j] == 1 end
        return replies
      end
      hasSmismember = false -- before Redis 6.2
    end
    local replies = {}
    for j, m in ipairs(list) do replies[j] = rcall("SISMEMBER", key, m) == 1 end
    return replies
  end
  answer(zsetAsks, zscores, found)
  answer(hashAsks, function(key, list) return rcall("HMGET", key, unpack(list)) end, found)
  -- A retry's parent's :dependencies (before this batch; links earlier in it are willLink's).
  answer(setAsks, members, pendingIn)
  for from = 1, #retryKeys, CHUNK do
    local to = math.min(from + CHUNK - 1, #retryKeys)
    local all = rcall("EXISTS", unpack(retryKeys, from, to)) == to - from + 1
    for j = from, to do exists[retryOps[j]] = all or rcall("EXISTS", retryKeys[j]) == 1 end
  end
end

-- What earlier operations of this batch will have done, for the checks of later ones.
local willLink = {}     -- parent -> child -> true
local willWait = {}     -- parent -> true (reopened in this batch)
local parentExists = {}
local parentWaiting = {}

local function isWaitingParent(parent)
  if willWait[parent] then return true end
  if parentWaiting[parent] == nil then
    local queueKey, id = parts(parent)
    parentWaiting[parent] = queueKey ~= false and rcall("ZSCORE", queueKey .. ":waiting-children", id) ~= false
  end
  return parentWaiting[parent]
end

local function checkParentReady(key, parent, i)
  if parent == "" then return nil end
  local linked = willLink[parent]
  if linked and linked[key] then
    -- re-linked earlier in this batch
  elseif pendingIn[i] == nil then
    if rcall("SISMEMBER", parent .. ":dependencies", key) == 0 then return "is not pending in its parent " .. parent end
  elseif not pendingIn[i] then
    return "is not pending in its parent " .. parent
  end
  if not isWaitingParent(parent) then return "its parent " .. parent .. " is not waiting for children" end
  return nil
end

local BUCKET_GONE = {
  unsuccessful = "is no longer in the parent's failed bucket",
  failed = "is no longer in the parent's ignored bucket",
  processed = "is no longer in the parent's processed bucket",
}

local function check(i, op, a, b, c)
  if op == "link" or op == "link-waiting" then
    if parentExists[b] == nil then parentExists[b] = rcall("EXISTS", b) == 1 end
    if not parentExists[b] then return a, "parent " .. b .. " is gone" end
    if op == "link-waiting" and not isWaitingParent(b) then return a, "its parent " .. b .. " is not waiting for children" end
    if BUCKET_GONE[c] then
      if not found[i] then return a, BUCKET_GONE[c] end
    elseif c == "none" then
      if rcall("SISMEMBER", b .. ":dependencies", a) == 1 then return a, "is already pending in its parent" end
      if rcall("HGET", a, "parentKey") ~= b then return a, "has another parentKey now" end
    else
      return a, "unknown bucket " .. tostring(c)
    end
    local linked = willLink[b]
    if not linked then
      linked = {}
      willLink[b] = linked
    end
    linked[a] = true
    return nil
  end
  local queueKey, id = parts(a)
  if op == "reopen" then
    if not queueKey or rcall("EXISTS", a) == 0 then return a, "is gone" end
    if not REOPEN_FROM[b] then return a, "cannot be reopened from " .. tostring(b) end
    if rcall("EXISTS", a .. ":lock") == 1 or rcall("LPOS", queueKey .. ":active", id) then
      return a, "is active (locked by a worker)"
    end
    if not inState(queueKey, id, b) then return a, "is no longer " .. b end
    local reason = checkParentReady(a, c, i)
    if reason then return a, reason end
    willWait[a] = true
    return nil
  end
  if op == "retry" then
    if not queueKey or not exists[i] then return a, "is gone" end
    -- A finished job holds no lock: moveToFinished-14.lua releases it in the same script.
    if c ~= "failed" and c ~= "completed" then return a, "cannot be retried from " .. tostring(c) end
    if not found[i] then return a, "is no longer " .. c end
    local reason = checkParentReady(a, b, i)
    if reason then return a, reason end
    return nil
  end
  return a, "unknown operation " .. tostring(op)
end

local conflictKey, conflictReason = eachOp(check)
if conflictKey then return { "conflict", conflictKey, conflictReason } end

-- Apply.
local removals = newGroups()   -- "ZREM key" / "HDEL key" -> members
local adds = newGroups()       -- parent:dependencies -> children
local pushes = newGroups()     -- queue target list (wait or paused) -> ids (LPUSH, in order)
local stateRemovals = newGroups() -- P:Q:failed / P:Q:completed -> ids
local woken = newGroups()

local CLEARED = { "finishedOn", "processedOn", "failedReason", "defa" }
if resetAttempts then
  CLEARED[#CLEARED + 1] = "atm"
  CLEARED[#CLEARED + 1] = "ats"
end
local CLEARED_WITH_VALUE = { "returnvalue", unpack(CLEARED) }
local function clearFields(key, withValue)
  rcall("HDEL", key, unpack(withValue and CLEARED_WITH_VALUE or CLEARED))
end

-- Per queue: the keys and facts every job of it needs here, built once.
local queueFacts = {}
local function facts(queueKey)
  local f = queueFacts[queueKey]
  if not f then
    f = {
      events = queueKey .. ":events",
      maxEvents = maxEvents(queueKey),
      target = targetList(queueKey),
      failed = queueKey .. ":failed",
      completed = queueKey .. ":completed",
    }
    queueFacts[queueKey] = f
  end
  return f
end

local function isLifo(rawOpts)
  if not rawOpts or not string.find(rawOpts, "lifo", 1, true) then return false end
  local ok, opts = pcall(cjson.decode, rawOpts)
  return ok and type(opts) == "table" and opts["lifo"] == true
end

-- Group keys of a parent's link writes, built once per parent and bucket.
local linkKeys = {}
local function linkKeysOf(parent, from)
  local byParent = linkKeys[parent]
  if not byParent then
    byParent = { deps = parent .. ":dependencies" }
    linkKeys[parent] = byParent
  end
  local removal = byParent[from]
  if removal == nil then
    if from == "unsuccessful" then
      removal = "ZREM\0" .. parent .. ":unsuccessful"
    elseif from == "failed" or from == "processed" then
      removal = "HDEL\0" .. parent .. ":" .. from
    else
      removal = false
    end
    byParent[from] = removal
  end
  return removal, byParent.deps
end

eachOp(function(_, op, a, b, c)
  if op == "link" or op == "link-waiting" then
    local removal, deps = linkKeysOf(b, c)
    if removal then addTo(removals, removal, a) end
    addTo(adds, deps, a)
  elseif op == "reopen" then
    local queueKey, id = parts(a)
    local f = facts(queueKey)
    if b == "waiting" then
      if rcall("LREM", queueKey .. ":wait", 1, id) == 0 then rcall("LREM", queueKey .. ":paused", 1, id) end
    else
      rcall("ZREM", queueKey .. ":" .. b, id)
    end
    rcall("ZADD", queueKey .. ":waiting-children", now, id)
    clearFields(a, true)
    rcall("XADD", f.events, "MAXLEN", "~", f.maxEvents, "*", "event", "waiting-children", "jobId", id, "prev", b)
  else
    local queueKey, id = parts(a)
    local f = facts(queueKey)
    addTo(stateRemovals, f[c], id)
    clearFields(a, c == "completed")
    local attrs = rcall("HMGET", a, "priority", "opts")
    local priority = tonumber(attrs[1]) or 0
    if priority ~= 0 then
      local counter = rcall("INCR", queueKey .. ":pc")
      rcall("ZADD", queueKey .. ":prioritized", priority * 0x100000000 + counter % 0x100000000, id)
    elseif isLifo(attrs[2]) then
      rcall("RPUSH", f.target, id)
    else
      addTo(pushes, f.target, id)
    end
    if not woken.lists[queueKey] then addTo(woken, queueKey, true) end
    rcall("XADD", f.events, "MAXLEN", "~", f.maxEvents, "*", "event", "waiting", "jobId", id, "prev", c)
  end
end)

for _, k in ipairs(removals.order) do
  local cmd, key = string.match(k, "^(%u+)%z(.*)$")
  bulk(cmd, key, removals.lists[k])
end
for _, key in ipairs(adds.order) do bulk("SADD", key, adds.lists[key]) end
for _, key in ipairs(stateRemovals.order) do bulk("ZREM", key, stateRemovals.lists[key]) end
for _, key in ipairs(pushes.order) do bulk("LPUSH", key, pushes.lists[key]) end
for _, queueKey in ipairs(woken.order) do
  if not isPausedOrMaxed(queueKey) then rcall("ZADD", queueKey .. ":marker", 0, "0") end
end
return { "ok" }
