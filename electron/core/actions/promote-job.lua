--[[
  Promotes a delayed job to waiting now, mirroring promote-9.lua (Job.promote()).

  KEYS[1]  job key P:Q:id

  Reads:  the job hash (priority), P:Q:delayed, P:Q:meta (paused, concurrency), P:Q:active
  Writes: P:Q:delayed (ZREM), P:Q:wait (LPUSH, as promote-9.lua) or P:Q:prioritized (score from
          P:Q:pc, getPriorityScore.lua), P:Q:marker unless paused or maxed, a deprecated "0:"
          marker at the head of the wait list removed (as promote-9.lua), the job's `delay` set
          to 0, P:Q:events (XADD waiting, prev delayed; MAXLEN ~ meta opts.maxLenEvents).
  Returns { "ok", "waiting" | "prioritized" } or { "missing" } / { "not-delayed" }
]]
local rcall = redis.call
local key = KEYS[1]
local queueKey, id = string.match(key, "^(.*):([^:]+)$")
if not queueKey or rcall("EXISTS", key) == 0 then return { "missing" } end
if rcall("ZREM", queueKey .. ":delayed", id) == 0 then return { "not-delayed" } end

local metaKey = queueKey .. ":meta"
local attrs = rcall("HMGET", metaKey, "paused", "concurrency", "opts.maxLenEvents")
local pausedOrMaxed = attrs[1] ~= false
if not pausedOrMaxed and attrs[2] then
  pausedOrMaxed = rcall("LLEN", queueKey .. ":active") >= tonumber(attrs[2])
end
local maxEvents = attrs[3]
if not maxEvents then
  maxEvents = 10000
  rcall("HSET", metaKey, "opts.maxLenEvents", maxEvents)
end

local marker = rcall("LINDEX", queueKey .. ":wait", 0)
if marker and string.sub(marker, 1, 2) == "0:" then rcall("LPOP", queueKey .. ":wait") end

local priority = tonumber(rcall("HGET", key, "priority")) or 0
local state = "waiting"
if priority == 0 then
  rcall("LPUSH", queueKey .. ":wait", id)
else
  local counter = rcall("INCR", queueKey .. ":pc")
  rcall("ZADD", queueKey .. ":prioritized", priority * 0x100000000 + counter % 0x100000000, id)
  state = "prioritized"
end
if not pausedOrMaxed then rcall("ZADD", queueKey .. ":marker", 0, "0") end
rcall("XADD", queueKey .. ":events", "MAXLEN", "~", maxEvents, "*", "event", "waiting", "jobId", id, "prev", "delayed")
rcall("HSET", key, "delay", 0)
return { "ok", state }
