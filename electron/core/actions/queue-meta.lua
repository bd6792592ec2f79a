--[[
  Library (--- @include "queue-meta": retry-failed-children.lua, remove-subtree.lua and
  promote-job.lua): a job key's queue key and id, and the per-queue facts from P:Q:meta that
  BullMQ's scripts read before writing events, markers and runnable jobs. Each is read once per
  queue per call: nothing these scripts do changes them, and every job one call makes runnable
  in a queue goes to the same list.
    maxEvents        getOrSetMaxEvents.lua (MAXLEN of P:Q:events; sets the default 10000)
    isPausedOrMaxed  isQueuePausedOrMaxed.lua (paused, or P:Q:active at the queue's concurrency):
                     no wake-up marker then (addBaseMarkerIfNeeded.lua); both majors alike
    targetList       the list a job made runnable is pushed to, as the queue's own BullMQ picks
                     it, by the layout the caller passes per queue (useLayouts; version-guard.ts):
      "6"  BullMQ 6 (isQueuePausedOrMaxed + addJobInTargetList(waitKey)): P:Q:wait, paused or
           not; meta.paused alone keeps workers off it, and resume (pause-7.lua) keeps wait and
           appends any P:Q:paused left by BullMQ 5.
      "5"  BullMQ 5 (getTargetQueueList.lua): P:Q:paused while meta has `paused`, else P:Q:wait.
           Its resume RENAMEs P:Q:paused over P:Q:wait, so a job pushed to wait of a paused
           BullMQ 5 queue would be lost as soon as paused holds anything.
      "?"  no version recorded: the keys decide, at the moment of writing. Not paused: wait.
           Paused: P:Q:paused when it exists (only BullMQ 5 writes it) or when wait is empty too
           (both majors' resume move P:Q:paused into wait); wait when it holds jobs and
           P:Q:paused does not (BullMQ 5 would have renamed it away at pause time).
    keyCache         a maker of `base:name` keys that builds each once per call (thousands of
                     jobs of one queue, or children of one parent, share them)
]]
local rcall = redis.call

local function keyCache()
  local made = {}
  return function(base, name)
    local names = made[base]
    if not names then
      names = {}
      made[base] = names
    end
    local key = names[name]
    if not key then
      key = base .. ":" .. name
      names[name] = key
    end
    return key
  end
end

local function splitKey(key)
  return string.match(key, "^(.*):([^:]+)$")
end

-- Queue key -> "5" | "6" | "?", from one JSON object argument (a queue not named is "?").
local LAYOUTS = {}
local function useLayouts(json)
  if not json or json == "" then return end
  local ok, decoded = pcall(cjson.decode, json)
  if ok and type(decoded) == "table" then LAYOUTS = decoded end
end

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

local metaCache = {}
local function queueMeta(queueKey)
  local cached = metaCache[queueKey]
  if cached then return cached end
  local attrs = rcall("HMGET", queueKey .. ":meta", "paused", "concurrency")
  local paused = attrs[1] ~= false
  local pausedOrMaxed = paused
  if not paused and attrs[2] then
    pausedOrMaxed = rcall("LLEN", queueKey .. ":active") >= tonumber(attrs[2])
  end
  local waitKey, pausedKey = queueKey .. ":wait", queueKey .. ":paused"
  local target = waitKey
  if paused then
    local layout = LAYOUTS[queueKey] or "?"
    if layout == "5" then
      target = pausedKey
    elseif layout ~= "6" and (rcall("EXISTS", pausedKey) == 1 or rcall("EXISTS", waitKey) == 0) then
      target = pausedKey
    end
  end
  cached = { pausedOrMaxed = pausedOrMaxed, target = target }
  metaCache[queueKey] = cached
  return cached
end

local function isPausedOrMaxed(queueKey)
  return queueMeta(queueKey).pausedOrMaxed
end

local function targetList(queueKey)
  return queueMeta(queueKey).target
end
