--[[
  Loads one batch of flow nodes (one level of a tree, or part of one) in one call.

  KEYS[i]  full job keys P:Q:id (any queues; the queue key is the key minus its last ":id")
  ARGV[1]  page size: how many child keys to list per bucket (0 = counts only)
  ARGV[2]  "1" to also report which of its parent's buckets hold each job (the view root)

  Reads, never writes:
    P:Q:id                      TYPE, HMGET of the small fields (never data/returnvalue/stacktrace)
    P:Q:completed|failed|delayed|prioritized|waiting-children   TYPE, ZSCORE
    P:Q:active|wait|paused      TYPE, LPOS or LLEN + LRANGE in chunks
    P:Q:id:processed|dependencies|unsuccessful|failed            via listBucket (list-bucket.lua)
    <parentKey>:<bucket>        HEXISTS / SISMEMBER / ZSCORE, only with ARGV[2] = "1"

  State mirrors getStateV2-8.lua (what Job.getState() runs on Redis >= 6.0.6): the first of
  completed, failed, delayed, prioritized (ZSCORE), active, wait, paused (list membership),
  waiting-children (ZSCORE), else "unknown". A job key that does not exist is "missing" (BullMQ
  would still answer from the sets; a job without a hash is the more useful fact). A state key of
  the wrong type makes getState throw WRONGTYPE; here the job gets "unknown" plus an error.

  Cost: LPOS is O(list length) per job, so BullMQ's per-job getState over N waiting jobs is
  O(N^2). Here the jobs of one queue still undecided after the zsets are looked up together:
  up to LPOS_LIMIT of them with LPOS each, more with one chunked pass over the list that stops
  as soon as all are found: O(list length) per queue per batch, same answers.

  Reply, one entry per key:
    { kind, fields, state, errors, {processed, unprocessed, failed, ignored counts},
      {cursor, childKey...} x 4 buckets in that order, {parent buckets holding the job} }
]]
local pageSize = tonumber(ARGV[1]) or 0
local withParentBucket = ARGV[2] == "1"

local LPOS_LIMIT = 16
local SCAN_CHUNK = 1000

local FIELDS = { "name", "opts", "timestamp", "processedOn", "finishedOn", "delay", "priority",
  "failedReason", "atm", "attemptsMade", "parentKey", "parent" }
local ZSET_STATES = { { "completed", "completed" }, { "failed", "failed" }, { "delayed", "delayed" },
  { "prioritized", "prioritized" } }
local LIST_STATES = { { "active", "active" }, { "wait", "waiting" }, { "paused", "waiting" } }

local queueTypes = {}
local function queueKeyType(queueKey, suffix)
  local cache = queueTypes[queueKey]
  if not cache then
    cache = {}
    queueTypes[queueKey] = cache
  end
  local t = cache[suffix]
  if not t then
    t = keyType(queueKey .. ":" .. suffix)
    cache[suffix] = t
  end
  return t
end

local function wrongType(key, t, want)
  return key .. " is a " .. t .. ", not a " .. want
end

-- Which of `ids` (id -> true-ish, n of them) are in the list.
local function findInList(listKey, ids, n)
  local found = {}
  if n <= LPOS_LIMIT then
    for id in pairs(ids) do
      if rcall("LPOS", listKey, id) then
        found[id] = true
      end
    end
    return found
  end
  local len = rcall("LLEN", listKey)
  local left = n
  local start = 0
  while start < len and left > 0 do
    local items = rcall("LRANGE", listKey, start, start + SCAN_CHUNK - 1)
    if #items == 0 then
      break
    end
    for j = 1, #items do
      local v = items[j]
      if ids[v] and not found[v] then
        found[v] = true
        left = left - 1
      end
    end
    start = start + SCAN_CHUNK
  end
  return found
end

local function bucketsHolding(parentKey, childKey)
  local found = {}
  for _, b in ipairs(BUCKET_NAMES) do
    local key = parentKey .. BUCKET_SUFFIX[b]
    local t = keyType(key)
    if t == BUCKET_TYPE[b] then
      local hit
      if t == "hash" then
        hit = rcall("HEXISTS", key, childKey) == 1
      elseif t == "set" then
        hit = rcall("SISMEMBER", key, childKey) == 1
      else
        hit = rcall("ZSCORE", key, childKey) ~= false
      end
      if hit then
        found[#found + 1] = b
      end
    end
  end
  return found
end

local n = #KEYS
local kinds, fields, states, errors = {}, {}, {}, {}
local pending = {} -- queueKey -> { ids = { id -> { node index... } }, n = number of ids }

for i = 1, n do
  local key = KEYS[i]
  errors[i] = {}
  fields[i] = {}
  local kind = keyType(key)
  kinds[i] = kind
  if kind == "none" then
    states[i] = "missing"
  else
    if kind == "hash" then
      fields[i] = rcall("HMGET", key, unpack(FIELDS))
    else
      errors[i][#errors[i] + 1] = wrongType(key, kind, "hash")
    end
    local queueKey, id = string.match(key, "^(.+):([^:]+)$")
    if not queueKey then
      states[i] = "unknown"
      errors[i][#errors[i] + 1] = "not a job key (prefix:queue:id)"
    else
      for _, zs in ipairs(ZSET_STATES) do
        local t = queueKeyType(queueKey, zs[1])
        if t == "zset" then
          if rcall("ZSCORE", queueKey .. ":" .. zs[1], id) then
            states[i] = zs[2]
            break
          end
        elseif t ~= "none" then
          states[i] = "unknown"
          errors[i][#errors[i] + 1] = wrongType(queueKey .. ":" .. zs[1], t, "zset")
          break
        end
      end
      if not states[i] then
        local group = pending[queueKey]
        if not group then
          group = { ids = {}, n = 0 }
          pending[queueKey] = group
        end
        local idxs = group.ids[id]
        if not idxs then
          idxs = {}
          group.ids[id] = idxs
          group.n = group.n + 1
        end
        idxs[#idxs + 1] = i
      end
    end
  end
end

local function settle(group, id, state, err)
  for _, i in ipairs(group.ids[id]) do
    states[i] = state
    if err then
      errors[i][#errors[i] + 1] = err
    end
  end
end

for queueKey, group in pairs(pending) do
  for _, ls in ipairs(LIST_STATES) do
    if group.n == 0 then
      break
    end
    local t = queueKeyType(queueKey, ls[1])
    if t == "list" then
      local found = findInList(queueKey .. ":" .. ls[1], group.ids, group.n)
      for id in pairs(found) do
        settle(group, id, ls[2])
        group.ids[id] = nil
        group.n = group.n - 1
      end
    elseif t ~= "none" then
      local err = wrongType(queueKey .. ":" .. ls[1], t, "list")
      for id in pairs(group.ids) do
        settle(group, id, "unknown", err)
      end
      group.ids = {}
      group.n = 0
    end
  end
  if group.n > 0 then
    local t = queueKeyType(queueKey, "waiting-children")
    for id in pairs(group.ids) do
      if t == "zset" then
        if rcall("ZSCORE", queueKey .. ":waiting-children", id) then
          settle(group, id, "waiting-children")
        else
          settle(group, id, "unknown")
        end
      elseif t == "none" then
        settle(group, id, "unknown")
      else
        settle(group, id, "unknown", wrongType(queueKey .. ":waiting-children", t, "zset"))
      end
    end
  end
end

local reply = {}
for i = 1, n do
  local key = KEYS[i]
  local counts = {}
  local entry = { kinds[i], fields[i], states[i], errors[i], counts }
  for b, bucket in ipairs(BUCKET_NAMES) do
    local total, cursor, keys, err = listBucket(key, bucket, "0", pageSize)
    counts[b] = total
    local list = { cursor }
    for j = 1, #keys do
      list[j + 1] = keys[j]
    end
    entry[5 + b] = list
    if err then
      errors[i][#errors[i] + 1] = err
    end
  end
  local holding = {}
  if withParentBucket and kinds[i] == "hash" then
    local parentKey = fields[i][11]
    if parentKey and parentKey ~= "" then
      holding = bucketsHolding(parentKey, key)
    end
  end
  entry[10] = holding
  reply[i] = entry
end
return reply
