--[[
  Loads one batch of flow nodes (one level of a tree, or part of one) in one call. Runs with
  list-bucket.lua prepended (keyType, listBucket, the bucket tables).

  KEYS[i]  full job keys P:Q:id (any queues; the queue key is the key minus its last ":id")
  ARGV[1]  page size: how many child keys to list per bucket (0 = counts only)
  ARGV[2]  "1" to also report which of its parent's buckets hold each job (the view root)
  ARGV[3]  most child keys to list in this call (bounds its run time); jobs past it get counts
           only, and the caller reports those buckets as truncated from the start

  Reads, never writes:
    P:Q:id                      HMGET of the small fields (never data/returnvalue/stacktrace);
                                TYPE only when HMGET fails or finds none of them
    P:Q:completed|failed|delayed|prioritized|waiting-children   TYPE once per queue, ZMSCORE
                                (ZSCORE per job before Redis 6.2)
    P:Q:active|wait|paused      TYPE once per queue, LPOS or LLEN + LRANGE in chunks
    P:Q:id:processed|dependencies|unsuccessful|failed            EXISTS, then listBucket
    <parentKey>:<bucket>        HEXISTS / SISMEMBER / ZSCORE, only with ARGV[2] = "1"

  State mirrors getStateV2-8.lua (what Job.getState() runs on Redis >= 6.0.6): the first of
  completed, failed, delayed, prioritized (ZSCORE), active, wait, paused (list membership),
  waiting-children (ZSCORE), else "unknown". A job key that does not exist is "missing" (BullMQ
  would still answer from the sets; a job without a hash is the more useful fact). A state key of
  the wrong type makes getState throw WRONGTYPE; here the job gets "unknown" plus an error.

  Cost: LPOS is O(list length) per job, so BullMQ's per-job getState over N waiting jobs is
  O(N^2). Here the jobs of one queue are decided together, in getState's order: one ZMSCORE per
  state zset for all of them, then for those still undecided the lists: up to LPOS_LIMIT ids
  with LPOS each, more with one chunked pass over the list that stops as soon as all are
  found. O(batch + list length) per queue per batch, same answers.

  Reply: one flat array for the batch, laid out where it is built (end of this file).
]]
local pageSize = tonumber(ARGV[1]) or 0
local withParentBucket = ARGV[2] == "1"
local listBudget = tonumber(ARGV[3]) or 20000

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

-- Which of `ids` (a set of n ids) are in the list. LPOS runs in C (~20 ns per element passed)
-- where reading the list into Lua costs ~250 ns per element, so a handful of ids go by LPOS
-- each and more by one pass in chunks that stops once all are found.
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
local groups, groupOrder = {}, {} -- queueKey -> { ids = { id... }, at = { id -> { node index... } } }

local function note(i, message)
  local list = errors[i]
  if not list then
    list = {}
    errors[i] = list
  end
  list[#list + 1] = message
end

-- One HMGET per job; a job key of another type answers WRONGTYPE, caught by pcall, and a key
-- with none of the fields is told apart from a missing one by TYPE (both rare).
for i = 1, n do
  local key = KEYS[i]
  local values = redis.pcall("HMGET", key, unpack(FIELDS))
  local kind = "hash"
  if type(values) == "table" and values.err then
    kind = keyType(key)
    values = {}
  else
    local any = false
    for j = 1, #FIELDS do
      if values[j] then
        any = true
        break
      end
    end
    if not any then
      kind = keyType(key)
    end
  end
  kinds[i] = kind
  fields[i] = values
  if kind == "none" then
    states[i] = "missing"
  else
    if kind ~= "hash" then
      note(i, wrongType(key, kind, "hash"))
      fields[i] = {}
    end
    local queueKey, id = string.match(key, "^(.+):([^:]+)$")
    if not queueKey then
      states[i] = "unknown"
      note(i, "not a job key (prefix:queue:id)")
    else
      local group = groups[queueKey]
      if not group then
        group = { ids = {}, at = {} }
        groups[queueKey] = group
        groupOrder[#groupOrder + 1] = queueKey
      end
      local at = group.at[id]
      if not at then
        at = {}
        group.at[id] = at
        group.ids[#group.ids + 1] = id
      end
      at[#at + 1] = i
    end
  end
end

local function settle(group, id, state, err)
  for _, i in ipairs(group.at[id]) do
    states[i] = state
    if err then
      note(i, err)
    end
  end
end

-- ZMSCORE (Redis >= 6.2) answers for all ids of a queue at once; older servers get ZSCORE each.
local hasZmscore = true
local function zsetHits(key, ids)
  local hits = {}
  if hasZmscore then
    for from = 1, #ids, 500 do
      local to = math.min(from + 499, #ids)
      local scores = redis.pcall("ZMSCORE", key, unpack(ids, from, to))
      if type(scores) == "table" and scores.err then
        hasZmscore = false
        break
      end
      for j = from, to do
        if scores[j - from + 1] then
          hits[ids[j]] = true
        end
      end
    end
    if hasZmscore then
      return hits
    end
  end
  for _, id in ipairs(ids) do
    if rcall("ZSCORE", key, id) then
      hits[id] = true
    end
  end
  return hits
end

-- Ids of `ids` still undecided after `hits` took theirs.
local function without(ids, hits)
  local left = {}
  for _, id in ipairs(ids) do
    if not hits[id] then
      left[#left + 1] = id
    end
  end
  return left
end

local function decideGroup(queueKey, group)
  local ids = group.ids
  for _, zs in ipairs(ZSET_STATES) do
    if #ids == 0 then
      return
    end
    local t = queueKeyType(queueKey, zs[1])
    if t == "zset" then
      local hits = zsetHits(queueKey .. ":" .. zs[1], ids)
      for id in pairs(hits) do
        settle(group, id, zs[2])
      end
      ids = without(ids, hits)
    elseif t ~= "none" then
      local err = wrongType(queueKey .. ":" .. zs[1], t, "zset")
      for _, id in ipairs(ids) do
        settle(group, id, "unknown", err)
      end
      return
    end
  end
  for _, ls in ipairs(LIST_STATES) do
    if #ids == 0 then
      return
    end
    local t = queueKeyType(queueKey, ls[1])
    if t == "list" then
      local wanted = {}
      for _, id in ipairs(ids) do
        wanted[id] = true
      end
      local hits = findInList(queueKey .. ":" .. ls[1], wanted, #ids)
      for id in pairs(hits) do
        settle(group, id, ls[2])
      end
      ids = without(ids, hits)
    elseif t ~= "none" then
      local err = wrongType(queueKey .. ":" .. ls[1], t, "list")
      for _, id in ipairs(ids) do
        settle(group, id, "unknown", err)
      end
      return
    end
  end
  if #ids == 0 then
    return
  end
  local t = queueKeyType(queueKey, "waiting-children")
  local hits = {}
  local err
  if t == "zset" then
    hits = zsetHits(queueKey .. ":waiting-children", ids)
  elseif t ~= "none" then
    err = wrongType(queueKey .. ":waiting-children", t, "zset")
  end
  for _, id in ipairs(ids) do
    if hits[id] then
      settle(group, id, "waiting-children")
    else
      settle(group, id, "unknown", err)
    end
  end
end

for _, queueKey in ipairs(groupOrder) do
  decideGroup(queueKey, groups[queueKey])
end

-- On a level of leaves (the biggest level of most flows) one EXISTS over all their bucket keys
-- answers for every job; otherwise one EXISTS per job spares four TYPE calls for each leaf.
local anyBuckets = true
if n <= 1000 then
  local bucketKeys = {}
  for i = 1, n do
    local key = KEYS[i]
    bucketKeys[#bucketKeys + 1] = key .. ":processed"
    bucketKeys[#bucketKeys + 1] = key .. ":dependencies"
    bucketKeys[#bucketKeys + 1] = key .. ":unsuccessful"
    bucketKeys[#bucketKeys + 1] = key .. ":failed"
  end
  anyBuckets = n > 0 and rcall("EXISTS", unpack(bucketKeys)) > 0
end

-- Reply: one flat array for the whole batch. Per job, first a head string joined with "\0":
--   kind, state, meta, then the #FIELDS values ("" where absent),
-- meta = "<bitmask of present fields>,<#errors>,<#parent buckets>,<1 if bucket pages follow>";
-- then the errors, the parent buckets, and when flagged, per bucket (processed, unprocessed,
-- failed, ignored): total, cursor, #keys, keys... A leaf is a single string: one Lua->RESP
-- conversion and one client-side parse instead of one per field. (A field holding a NUL byte
-- shifts the split; the caller notices the count and reports it.)
local reply = {}
local r = 0
local parts = {}
local nFields = #FIELDS
local plainMeta = {} -- mask -> "mask,0,0,0", the meta of almost every job (number formatting is slow in Lua)
for i = 1, n do
  local key = KEYS[i]
  local values = fields[i]
  local mask, bit = 0, 1
  for j = 1, nFields do
    local v = values[j]
    if v then
      mask = mask + bit
      parts[3 + j] = v
    else
      parts[3 + j] = ""
    end
    bit = bit * 2
  end

  local pages
  if anyBuckets and rcall("EXISTS", key .. ":processed", key .. ":dependencies", key .. ":unsuccessful", key .. ":failed") > 0 then
    pages = {}
    for b, bucket in ipairs(BUCKET_NAMES) do
      local total, cursor, keys, err = listBucket(key, bucket, "0", math.min(pageSize, listBudget))
      listBudget = listBudget - #keys
      pages[b] = { total, cursor, keys }
      if err then
        note(i, err)
      end
    end
  end
  local holding
  if withParentBucket and kinds[i] == "hash" then
    local parentKey = values[11]
    if parentKey and parentKey ~= "" then
      holding = bucketsHolding(parentKey, key)
    end
  end
  local errs = errors[i]

  parts[1] = kinds[i]
  parts[2] = states[i] or "unknown"
  if errs or holding or pages then
    parts[3] = mask .. "," .. (errs and #errs or 0) .. "," .. (holding and #holding or 0) .. "," .. (pages and 1 or 0)
  else
    local meta = plainMeta[mask]
    if not meta then
      meta = mask .. ",0,0,0"
      plainMeta[mask] = meta
    end
    parts[3] = meta
  end
  r = r + 1
  reply[r] = table.concat(parts, "\0")
  if errs then
    for _, message in ipairs(errs) do
      r = r + 1
      reply[r] = message
    end
  end
  if holding then
    for _, b in ipairs(holding) do
      r = r + 1
      reply[r] = b
    end
  end
  if pages then
    for b = 1, 4 do
      local page = pages[b]
      local keys = page[3]
      reply[r + 1] = page[1]
      reply[r + 2] = page[2]
      reply[r + 3] = #keys
      r = r + 3
      for j = 1, #keys do
        reply[r + j] = keys[j]
      end
      r = r + #keys
    end
  end
end
return reply
