--[[
  Reads what the actions need to know about a batch of jobs, in one call. Read-only.

  KEYS[i]  full job keys P:Q:id (any queues; the queue key is the key minus its last ":id")
  ARGV[1]  "1" for exact states (LPOS in the active / wait / paused lists, as getStateV2-8.lua
           does); otherwise list states are not searched (LPOS is O(list length) per job, too
           slow for thousands of children) and a job in no zset is "active" when it holds a
           lock, else "pending" (in a list, or nowhere).

  Reads: P:Q:id (HMGET small fields, never data / returnvalue / stacktrace), P:Q:id:lock,
         P:Q:completed|failed|delayed|prioritized|waiting-children (ZSCORE),
         P:Q:active|wait|paused (LPOS, exact mode only),
         P:Q:id:dependencies|processed|failed|unsuccessful (cardinalities).

  State order mirrors getStateV2-8.lua: completed, failed, delayed, prioritized, active, waiting,
  waiting-children.

  Reply, one array per key:
    { exists, state, locked, name, timestamp, finishedOn, parentKey, parent, failedReason, defa,
      #dependencies, #processed, #failed (ignored), #unsuccessful }
]]
local rcall = redis.call
local exact = ARGV[1] == "1"

local function stateOf(queueKey, id, locked)
  if rcall("ZSCORE", queueKey .. ":completed", id) then return "completed" end
  if rcall("ZSCORE", queueKey .. ":failed", id) then return "failed" end
  if rcall("ZSCORE", queueKey .. ":delayed", id) then return "delayed" end
  if rcall("ZSCORE", queueKey .. ":prioritized", id) then return "prioritized" end
  if exact then
    if rcall("LPOS", queueKey .. ":active", id) then return "active" end
    if rcall("LPOS", queueKey .. ":wait", id) then return "waiting" end
    if rcall("LPOS", queueKey .. ":paused", id) then return "waiting" end
    if rcall("ZSCORE", queueKey .. ":waiting-children", id) then return "waiting-children" end
    if locked then return "active" end
    return "unknown"
  end
  if rcall("ZSCORE", queueKey .. ":waiting-children", id) then return "waiting-children" end
  if locked then return "active" end
  return "pending"
end

-- A bucket of the wrong type counts as empty rather than failing the whole batch.
local function count(cmd, key, keyType)
  if rcall("TYPE", key)["ok"] ~= keyType then return 0 end
  return rcall(cmd, key)
end

local out = {}
for i, key in ipairs(KEYS) do
  local queueKey, id = string.match(key, "^(.*):([^:]+)$")
  if not queueKey or rcall("TYPE", key)["ok"] ~= "hash" then
    out[i] = { "0", "missing", "0", "", "", "", "", "", "", "0", 0, 0, 0, 0 }
  else
    local locked = rcall("EXISTS", key .. ":lock") == 1
    local f = rcall("HMGET", key, "name", "timestamp", "finishedOn", "parentKey", "parent", "failedReason", "defa")
    out[i] = {
      "1",
      stateOf(queueKey, id, locked),
      locked and "1" or "0",
      f[1] or "", f[2] or "", f[3] or "", f[4] or "", f[5] or "", f[6] or "",
      f[7] and "1" or "0",
      count("SCARD", key .. ":dependencies", "set"),
      count("HLEN", key .. ":processed", "hash"),
      count("HLEN", key .. ":failed", "hash"),
      count("ZCARD", key .. ":unsuccessful", "zset"),
    }
  end
end
return out
