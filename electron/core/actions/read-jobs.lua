--[[
  Reads what the actions need to know about jobs, in one call. Read-only.

  Two forms:
    KEYS = job keys P:Q:id (any queues), ARGV[1] = mode
        -> the rows of those jobs
    KEYS[1] = a parent's key, ARGV[1] = mode, ARGV[2] = bucket (dependencies | processed |
    failed | unsuccessful), ARGV[3] = cursor, ARGV[4] = page size
        -> one page of that bucket (SSCAN / HSCAN / ZSCAN inside the script, so the child keys
           never travel to the client and back) with the rows of its children

  mode: "1" exact states (LPOS in the active / wait / paused lists, as getStateV2-8.lua does);
        "0" list states not searched (LPOS is O(list length) per job, too slow for thousands of
        children): a job in no zset is "active" when it holds a lock, else "pending" (in a
        list, or nowhere); "b" (brief) name and timestamps only, one HMGET per job.

  Reads: P:Q:id (HMGET small fields, never data / returnvalue / stacktrace), P:Q:id:lock
         (only for jobs in no zset state),
         P:Q:completed|failed|delayed|prioritized|waiting-children (ZSCORE),
         P:Q:active|wait|paused (LPOS, exact mode only),
         P:Q:id:dependencies|processed|failed|unsuccessful (EXISTS, then cardinalities).

  State order mirrors getStateV2-8.lua: completed, failed, delayed, prioritized, active, waiting,
  waiting-children.

  Reply: one JSON string (cjson.encode: one bulk string parses far faster on the client than
  thousands of nested RESP arrays). Rows, one per job:
    [ key, exists, state, locked, name, timestamp, finishedOn, parentKey, policy,
      #dependencies, #processed, #failed (ignored), #unsuccessful ]   (brief: the first 7)
  policy: the failure policy from the `parent` JSON, as the Lua of moveToFinished-14.lua reads
  it: "fpof" | "cpof" | "idof" | "rdof" | "" (none).
  The job-keys form answers [ rows ]; the bucket form { "cursor": c, "rows": [ rows ] }.
]]
local rcall = redis.call
local exact = ARGV[1] == "1"
local brief = ARGV[1] == "b"

-- Locks only matter outside the zset states: a job in completed / failed / delayed /
-- prioritized holds none (moveToFinished-14.lua releases it in the same script).
local function stateOf(queueKey, id, key)
  if rcall("ZSCORE", queueKey .. ":completed", id) then return "completed", false end
  if rcall("ZSCORE", queueKey .. ":failed", id) then return "failed", false end
  if rcall("ZSCORE", queueKey .. ":delayed", id) then return "delayed", false end
  if rcall("ZSCORE", queueKey .. ":prioritized", id) then return "prioritized", false end
  local locked = rcall("EXISTS", key .. ":lock") == 1
  if exact then
    if rcall("LPOS", queueKey .. ":active", id) then return "active", locked end
    if rcall("LPOS", queueKey .. ":wait", id) then return "waiting", locked end
    if rcall("LPOS", queueKey .. ":paused", id) then return "waiting", locked end
    if rcall("ZSCORE", queueKey .. ":waiting-children", id) then return "waiting-children", locked end
    if locked then return "active", locked end
    return "unknown", locked
  end
  if rcall("ZSCORE", queueKey .. ":waiting-children", id) then return "waiting-children", locked end
  if locked then return "active", locked end
  return "pending", locked
end

-- A bucket of the wrong type counts as empty rather than failing the whole batch.
local function count(cmd, key)
  local n = redis.pcall(cmd, key)
  if type(n) ~= "number" then return 0 end
  return n
end

local FIELDS = { "name", "timestamp", "finishedOn", "parentKey", "parent" }
if brief then FIELDS = { "name", "timestamp", "finishedOn" } end

-- The flags are mutually exclusive; checked in moveChildFromDependenciesIfNeeded's order.
local POLICY_FLAGS = { "fpof", "cpof", "idof", "rdof" }
local function policyOf(raw)
  if not raw or not string.find(raw, "of", 1, true) then return "" end
  local ok, parent = pcall(cjson.decode, raw)
  if not ok or type(parent) ~= "table" then return "" end
  for _, flag in ipairs(POLICY_FLAGS) do
    if parent[flag] then return flag end
  end
  return ""
end

local function row(key)
  local queueKey, id = string.match(key, "^(.*):([^:]+)$")
  -- HMGET on a key of another type errors: pcall makes that "missing" instead of failing the batch.
  local f = queueKey and redis.pcall("HMGET", key, unpack(FIELDS))
  if not queueKey or type(f) ~= "table" or f["err"] or (not f[1] and not f[2]) then
    return { key, "0", "missing", "0", "", "", "", "", "", 0, 0, 0, 0 }
  elseif brief then
    return { key, "1", "unknown", "0", f[1] or "", f[2] or "", f[3] or "" }
  else
    local state, locked = stateOf(queueKey, id, key)
    local deps, processed, ignored, unsuccessful = 0, 0, 0, 0
    -- Most jobs are leaves: one EXISTS over the four buckets saves four calls each.
    if rcall("EXISTS", key .. ":dependencies", key .. ":processed", key .. ":failed", key .. ":unsuccessful") > 0 then
      deps = count("SCARD", key .. ":dependencies")
      processed = count("HLEN", key .. ":processed")
      ignored = count("HLEN", key .. ":failed")
      unsuccessful = count("ZCARD", key .. ":unsuccessful")
    end
    return {
      key, "1", state, locked and "1" or "0",
      f[1] or "", f[2] or "", f[3] or "", f[4] or "", policyOf(f[5]),
      deps, processed, ignored, unsuccessful,
    }
  end
end

local bucket = ARGV[2]
if not bucket then
  local rows = {}
  for i, key in ipairs(KEYS) do rows[i] = row(key) end
  return cjson.encode(rows)
end

local SCANS = { dependencies = { "SSCAN", "set", 1 }, processed = { "HSCAN", "hash", 2 },
  failed = { "HSCAN", "hash", 2 }, unsuccessful = { "ZSCAN", "zset", 2 } }
local scan = SCANS[bucket]
local bucketKey = KEYS[1] .. ":" .. bucket
local rows = {}
-- A bucket of the wrong type reads as empty.
if not scan or rcall("TYPE", bucketKey)["ok"] ~= scan[2] then
  return cjson.encode({ cursor = "0", rows = rows })
end
local page = rcall(scan[1], bucketKey, ARGV[3], "COUNT", ARGV[4])
local members = page[2]
for i = 1, #members, scan[3] do rows[#rows + 1] = row(members[i]) end
return cjson.encode({ cursor = page[1], rows = rows })
