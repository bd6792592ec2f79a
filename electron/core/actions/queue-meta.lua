--[[
  Library (prepended to retry-failed-children.lua and the removal scripts; Lua has no include):
  a job key's queue key and id, and the two per-queue facts from P:Q:meta that BullMQ's scripts
  read before writing events and markers. Both are read once per queue per call: nothing these
  scripts do changes them.
    maxEvents        getOrSetMaxEvents.lua (MAXLEN of P:Q:events; sets the default 10000)
    isPausedOrMaxed  isQueuePausedOrMaxed.lua (paused, or P:Q:active at the queue's concurrency)
]]
local rcall = redis.call

local function splitKey(key)
  return string.match(key, "^(.*):([^:]+)$")
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

local pausedCache = {}
local function isPausedOrMaxed(queueKey)
  local cached = pausedCache[queueKey]
  if cached ~= nil then return cached end
  local attrs = rcall("HMGET", queueKey .. ":meta", "paused", "concurrency")
  local value = false
  if attrs[1] then
    value = true
  elseif attrs[2] then
    value = rcall("LLEN", queueKey .. ":active") >= tonumber(attrs[2])
  end
  pausedCache[queueKey] = value
  return value
end
