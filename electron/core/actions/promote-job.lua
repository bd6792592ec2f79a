--[[
  Promotes a delayed job to waiting now, mirroring promote-9.lua (Job.promote()) of the queue's
  own BullMQ major. Includes queue-meta.lua.

  KEYS[1]  job key P:Q:id
  ARGV[1]  JSON object: queue key -> BullMQ layout "5" | "6" | "?" (queue-meta.lua targetList)

  Reads:  the job hash (priority), P:Q:delayed, P:Q:meta (paused, concurrency), P:Q:active
  Writes: P:Q:delayed (ZREM), the queue's target list (LPUSH, as promote-9.lua: P:Q:wait, or
          P:Q:paused for a paused BullMQ 5 queue, whose promote-9.lua pushes to
          getTargetQueueList's list) or P:Q:prioritized (score from P:Q:pc,
          getPriorityScore.lua), P:Q:marker unless paused or maxed, a deprecated "0:" marker at
          the head of that list removed (as promote-9.lua), the job's `delay` set to 0,
          P:Q:events (XADD waiting, prev delayed; MAXLEN ~ meta opts.maxLenEvents).
  Returns { "ok", "waiting" | "prioritized" } or { "missing" } / { "not-delayed" }
]]
--- @include "queue-meta"
local key = KEYS[1]
useLayouts(ARGV[1])
local queueKey, id = splitKey(key)
if not queueKey or rcall("EXISTS", key) == 0 then return { "missing" } end
if rcall("ZREM", queueKey .. ":delayed", id) == 0 then return { "not-delayed" } end

local target = targetList(queueKey)
local marker = rcall("LINDEX", target, 0)
if marker and string.sub(marker, 1, 2) == "0:" then rcall("LPOP", target) end

local priority = tonumber(rcall("HGET", key, "priority")) or 0
local state = "waiting"
if priority == 0 then
  rcall("LPUSH", target, id)
else
  local counter = rcall("INCR", queueKey .. ":pc")
  rcall("ZADD", queueKey .. ":prioritized", priority * 0x100000000 + counter % 0x100000000, id)
  state = "prioritized"
end
if not isPausedOrMaxed(queueKey) then rcall("ZADD", queueKey .. ":marker", 0, "0") end
rcall("XADD", queueKey .. ":events", "MAXLEN", "~", maxEvents(queueKey), "*", "event", "waiting", "jobId", id, "prev", "delayed")
rcall("HSET", key, "delay", 0)
return { "ok", state }
