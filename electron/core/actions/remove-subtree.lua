--[[
  Shared functions (--- @include "remove-subtree": remove-unprocessed.lua, remove-job.lua)
  for removing a job with everything under it, as removeJobWithChildren.lua does for
  Job.remove({ removeChildren: true }) with ignoreProcessed = false:
    every bucket's children (:dependencies, :processed, :failed, :unsuccessful), depth first,
    children before their parent; per job removeJobFromAnyState.lua, the deduplication key
    (removeDeduplicationKeyIfNeededOnRemoval.lua), removeJobKeys.lua's DEL, and a `removed`
    event (prev = the state it was in) on the job's own queue, MAXLEN ~ meta opts.maxLenEvents.
  Unlike BullMQ, a job whose parent is removed in the same call does not first release that
  parent to wait (BullMQ's removeParentDependencyKey moves a parent whose last child goes,
  emitting `waiting`, just before deleting it too). Only the top job's own parent is touched.
  Parent release mirrors moveParentToWait.lua (priority -> prioritized, delay -> delayed, else
  the queue's target list: P:Q:wait, or P:Q:paused for a paused BullMQ 5 queue, as 5's
  getTargetQueueList.lua; queue-meta.lua targetList), which BullMQ uses when a parent's last
  child completes.
]]
--- @include "queue-meta"
--- @include "key-type"

-- Every child key in any bucket of a job (a bucket of the wrong type is skipped).
local function childrenOf(key)
  local out = {}
  local function add(list) for _, k in ipairs(list) do out[#out + 1] = k end end
  if keyType(key .. ":dependencies") == "set" then add(rcall("SMEMBERS", key .. ":dependencies")) end
  if keyType(key .. ":processed") == "hash" then add(rcall("HKEYS", key .. ":processed")) end
  if keyType(key .. ":failed") == "hash" then add(rcall("HKEYS", key .. ":failed")) end
  if keyType(key .. ":unsuccessful") == "zset" then add(rcall("ZRANGE", key .. ":unsuccessful", 0, -1)) end
  return out
end

local function isActive(key)
  if rcall("EXISTS", key .. ":lock") == 1 then return true end
  local queueKey, id = splitKey(key)
  return queueKey ~= nil and rcall("LPOS", queueKey .. ":active", id) ~= false
end

-- The first active (locked) job at or under `key`, or nil. isLocked.lua looks at :dependencies
-- only; a job under :processed or :failed cannot be active either, but checking costs little.
local function findActive(key, seen)
  if seen[key] then return nil end
  seen[key] = true
  if isActive(key) then return key end
  for _, child in ipairs(childrenOf(key)) do
    local found = findActive(child, seen)
    if found then return found end
  end
  return nil
end

-- Existing jobs at and under `key`, children before parents (the order they are removed in).
local function collectSubtree(key, seen, out)
  if seen[key] then return end
  seen[key] = true
  for _, child in ipairs(childrenOf(key)) do collectSubtree(child, seen, out) end
  if keyType(key) == "hash" then out[#out + 1] = key end
end

-- `key`'s ancestors by parentKey (not `key` itself, unless a parentKey loop leads back to it),
-- as a set: a walk of a job's buckets never goes into them. On data BullMQ never writes (a
-- bucket under the job listing one of them, a parentKey cycle) it would otherwise lead back up
-- and remove an ancestor of the job, or the parent an action started from.
local function ancestorsOf(key)
  local above = {}
  local at = key
  for _ = 1, 1000 do
    if keyType(at) ~= "hash" then break end
    local up = rcall("HGET", at, "parentKey")
    if not up or up == "" or above[up] then break end
    above[up] = true
    at = up
  end
  return above
end

-- A fresh `seen` set for a walk: the keys it must not enter.
local function fenced(keys)
  local seen = {}
  for k in pairs(keys) do seen[k] = true end
  return seen
end

-- The failed remove-policy jobs `extras` (found by the caller's search: BullMQ keeps them in no
-- bucket, so a walk of the buckets cannot reach them) whose parentKey names a job of
-- `inSubtree`: each one's own subtree is appended to `out` (children first) and joins
-- `inSubtree`, as many rounds as they nest; those of other parents are left alone. `seen` is
-- the walk's (a job is taken once). Returns the first active job under one of them, or nil
-- (then `out` may hold part of them: the caller writes nothing or skips the whole).
local function collectRemovedFailures(extras, seen, inSubtree, out)
  local pending = extras
  local progress = true
  while progress and #pending > 0 do
    progress = false
    local rest = {}
    for _, extra in ipairs(pending) do
      if not seen[extra] then
        local parent = keyType(extra) == "hash" and rcall("HGET", extra, "parentKey")
        if parent and inSubtree[parent] then
          local activeUnder = findActive(extra, fenced(seen))
          if activeUnder then return activeUnder end
          local sub = {}
          collectSubtree(extra, seen, sub)
          for _, k in ipairs(sub) do
            out[#out + 1] = k
            inSubtree[k] = true
          end
          progress = true
        else
          rest[#rest + 1] = extra
        end
      end
    end
    pending = rest
  end
  return nil
end

-- removeJobFromAnyState.lua, for many jobs at once. The zsets answer per job (the planned
-- state first, when the caller knows it); the lists (wait, paused, active) are searched once per
-- list for all the jobs of one call: LREM per job scans the list each time, O(jobs x length) on
-- a big wait list. The pass starts at the tail (the oldest jobs, where workers take from and
-- where stuck children sit) and stops once every job sought is found; each found entry is
-- overwritten in place with a marker no job id can be (BullMQ refuses ids with ':'), and one
-- LREM of the marker then takes them all out, the other entries keeping their order.
local LIST_STATES = { "wait", "paused", "active" }
local ZSET_STATES = { "completed", "waiting-children", "delayed", "failed", "prioritized" }
local IS_ZSET_STATE = { completed = true, ["waiting-children"] = true, delayed = true, failed = true, prioritized = true }
local REMOVED_MARK = "flowscope:removed"

local function removeFromList(listKey, pending, n, prevOf, listName)
  if n <= 8 then
    for id in pairs(pending) do
      if rcall("LREM", listKey, 1, id) == 1 then prevOf[id] = listName end
    end
    return
  end
  if keyType(listKey) ~= "list" then return end
  local len = rcall("LLEN", listKey)
  local found, scanned = 0, 0
  while scanned < len and found < n do
    local items = rcall("LRANGE", listKey, -(scanned + 1000), -(scanned + 1))
    local count = #items
    if count == 0 then break end
    for i = count, 1, -1 do
      local v = items[i]
      if pending[v] and not prevOf[v] then
        prevOf[v] = listName
        found = found + 1
        -- items[i] sits at index -(scanned + count - i + 1), counted from the tail.
        rcall("LSET", listKey, -(scanned + count - i + 1), REMOVED_MARK)
      end
    end
    scanned = scanned + count
  end
  if found > 0 then rcall("LREM", listKey, 0, REMOVED_MARK) end
end

local function removeFromLists(queueKey, ids, prevOf)
  for _, listName in ipairs(LIST_STATES) do
    local pending, n = {}, 0
    for _, id in ipairs(ids) do
      if not prevOf[id] and not pending[id] then
        pending[id] = true
        n = n + 1
      end
    end
    if n == 0 then return end
    removeFromList(queueKey .. ":" .. listName, pending, n, prevOf, listName)
  end
end

local function removeFromZsets(queueKey, id, prevOf)
  for _, state in ipairs(ZSET_STATES) do
    if rcall("ZREM", queueKey .. ":" .. state, id) == 1 then
      prevOf[id] = state
      return
    end
  end
end

-- Bulk membership, 1,000 members a call (SMISMEMBER / ZMSCORE; one by one before Redis 6.2):
-- out[i] is true when members[i] is in the set / zset.
local BULK = 1000
local MEMBERSHIP = {
  set = { many = "SMISMEMBER", one = "SISMEMBER", hit = function(v) return v == 1 end, bulk = true },
  zset = { many = "ZMSCORE", one = "ZSCORE", hit = function(v) return v ~= false end, bulk = true },
}
local function membership(kind, key, members, out)
  local m = MEMBERSHIP[kind]
  out = out or {}
  for from = 1, #members, BULK do
    local to = math.min(from + BULK - 1, #members)
    local replies = m.bulk and redis.pcall(m.many, key, unpack(members, from, to)) or nil
    if type(replies) ~= "table" or replies.err then
      m.bulk = false
      for i = from, to do out[i] = m.hit(rcall(m.one, key, members[i])) end
    else
      for i = from, to do out[i] = m.hit(replies[i - from + 1]) end
    end
  end
  return out
end
local function inSet(setKey, members, out) return membership("set", setKey, members, out) end
local function inZset(zsetKey, members, out) return membership("zset", zsetKey, members, out) end

-- A queue's key `P:Q:name`, made once per call (thousands of jobs of one queue share it).
local keyOf = keyCache()

-- removeJob.lua for a list of job keys: state sets, dedup key, the job's keys, a `removed`
-- event each (in the order given, with the state it was removed from as `prev`). `hints`
-- (optional): job key -> the state it was planned in ("waiting" for the lists). `leaves`
-- (optional): job keys checked in this script to be job hashes with no children: their keys
-- (the hash and its logs, no bucket keys) go in one DEL per 500 jobs instead of one each.
-- `queueOf`, `idOf` (optional): each key's queue key and id, when the caller split them already.
local function removeMany(keys, hints, leaves, queueOf, idOf)
  hints = hints or {}
  leaves = leaves or {}
  local prevOf, byQueue, order, late = {}, {}, {}, {}
  local split = queueOf == nil
  if split then queueOf, idOf = {}, {} end
  for i, key in ipairs(keys) do
    local queueKey, id
    if split then
      queueKey, id = splitKey(key)
      queueOf[i], idOf[i] = queueKey, id
    else
      queueKey, id = queueOf[i], idOf[i]
    end
    local hint = hints[key]
    if hint and IS_ZSET_STATE[hint] and rcall("ZREM", keyOf(queueKey, hint), id) == 1 then
      prevOf[id] = hint
    elseif hint == "waiting" then
      late[#late + 1] = i -- the lists first; the zsets only if it is in none of them
    else
      removeFromZsets(queueKey, id, prevOf)
    end
    if not prevOf[id] then
      local ids = byQueue[queueKey]
      if not ids then
        ids = {}
        byQueue[queueKey] = ids
        order[#order + 1] = queueKey
      end
      ids[#ids + 1] = id
    end
  end
  for _, queueKey in ipairs(order) do removeFromLists(queueKey, byQueue[queueKey], prevOf) end
  for _, i in ipairs(late) do
    if not prevOf[idOf[i]] then removeFromZsets(queueOf[i], idOf[i], prevOf) end
  end
  -- A key listed twice (data BullMQ never writes: one job under two of the jobs removed) is
  -- removed the first time; the second finds nothing, as a second DEL would.
  local done, bulk = {}, {}
  local function flush()
    if #bulk > 0 then rcall("DEL", unpack(bulk)) end
    bulk = {}
  end
  for i, key in ipairs(keys) do
    if not done[key] then
      done[key] = true
      local queueKey, id = queueOf[i], idOf[i]
      local deid = rcall("HGET", key, "deid")
      if deid then
        local dedupKey = queueKey .. ":de:" .. deid
        if rcall("GET", dedupKey) == id then
          rcall("DEL", dedupKey, queueKey .. ":dn:" .. deid)
        end
      end
      local deleted
      if leaves[key] then
        -- A job hash (checked by the caller): deleted, with the batch's next DEL.
        bulk[#bulk + 1] = key
        bulk[#bulk + 1] = key .. ":logs"
        if #bulk >= 1000 then flush() end
        deleted = 1
      else
        deleted = rcall("DEL", key, key .. ":logs", key .. ":dependencies", key .. ":processed", key .. ":failed",
          key .. ":unsuccessful")
      end
      if deleted > 0 then
        rcall("XADD", keyOf(queueKey, "events"), "MAXLEN", "~", maxEvents(queueKey), "*", "event", "removed",
          "jobId", id, "prev", prevOf[id] or "unknown")
      end
    end
  end
  flush()
end

-- moveParentToWait.lua: the parent leaves waiting-children for its target list, prioritized or delayed.
local function releaseParent(parentKey, timestamp)
  local queueKey, id = splitKey(parentKey)
  if not rcall("ZSCORE", queueKey .. ":waiting-children", id) then return false end
  rcall("ZREM", queueKey .. ":waiting-children", id)
  local attrs = rcall("HMGET", parentKey, "priority", "delay")
  local priority = tonumber(attrs[1]) or 0
  local delay = tonumber(attrs[2]) or 0
  local markerKey = queueKey .. ":marker"
  if delay > 0 then
    local delayedTimestamp = tonumber(timestamp) + delay
    rcall("ZADD", queueKey .. ":delayed", delayedTimestamp * 0x1000, id)
    rcall("XADD", queueKey .. ":events", "MAXLEN", "~", maxEvents(queueKey), "*", "event", "delayed",
      "jobId", id, "delay", delayedTimestamp)
    local next = rcall("ZRANGE", queueKey .. ":delayed", 0, 0, "WITHSCORES")
    if next[2] then rcall("ZADD", markerKey, tonumber(next[2]) / 0x1000, "1") end
    return true
  end
  local pausedOrMaxed = isPausedOrMaxed(queueKey)
  if priority == 0 then
    rcall("RPUSH", targetList(queueKey), id)
  else
    local counter = rcall("INCR", queueKey .. ":pc")
    rcall("ZADD", queueKey .. ":prioritized", priority * 0x100000000 + counter % 0x100000000, id)
  end
  if not pausedOrMaxed then rcall("ZADD", markerKey, 0, "0") end
  rcall("XADD", queueKey .. ":events", "MAXLEN", "~", maxEvents(queueKey), "*", "event", "waiting",
    "jobId", id, "prev", "waiting-children")
  return true
end
