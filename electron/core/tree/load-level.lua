--[[
  Loads one batch of flow nodes (one level of a tree, or part of one) in one call: fields,
  bucket counts and first pages. States come from job-states.lua, sent ahead of the batches of
  the level in the same round trip. Includes list-bucket.lua (keyType, listBucket,
  the bucket tables).

  KEYS[i]  full job keys P:Q:id (any queues)
  ARGV[1]  page size: how many child keys to list per bucket (0 = counts only)
  ARGV[2]  "1" to also report which of its parent's buckets hold each job (the view root)
  ARGV[3]  most child keys to list in this call (bounds its run time); jobs past it get counts
           only, and the caller reports those buckets as truncated from the start
  ARGV[4]  optional: the hash fields to read, comma-separated, instead of FIELDS below (the
           repair actions read a few small fields of thousands of children; with ARGV[2] = "1"
           the list must hold parentKey)

  Reads, never writes:
    P:Q:id                      HMGET of the small fields (never data/returnvalue/stacktrace);
                                TYPE only when HMGET fails or finds none of them
    P:Q:id:processed|dependencies|unsuccessful|failed            EXISTS, then listBucket
    <parentKey>:<bucket>        HEXISTS / SISMEMBER / ZSCORE, only with ARGV[2] = "1"

  Cost (Redis 7, idle): about 9 µs a job, most of it the HMGET (~5) and the EXISTS of the four
  bucket keys (~2.5); a job with children adds its listing.

  Reply: one flat array for the batch, laid out where it is built (end of this file).
]]
--- @include "list-bucket"
local pageSize = tonumber(ARGV[1]) or 0
local withParentBucket = ARGV[2] == "1"
local listBudget = tonumber(ARGV[3]) or 20000

local FIELDS = { "name", "opts", "timestamp", "processedOn", "finishedOn", "delay", "priority",
  "failedReason", "atm", "attemptsMade", "parentKey", "parent" }
if ARGV[4] and ARGV[4] ~= "" then
  FIELDS = {}
  for field in string.gmatch(ARGV[4], "[^,]+") do FIELDS[#FIELDS + 1] = field end
end
local nFields = #FIELDS
local parentKeyAt = 0
for j = 1, nFields do
  if FIELDS[j] == "parentKey" then parentKeyAt = j end
end

-- The types of parents' bucket keys, once per call: a batch's jobs are mostly siblings.
local bucketTypes = {}
local function bucketsHolding(parentKey, childKey)
  local found = {}
  for _, b in ipairs(BUCKET_NAMES) do
    local key = parentKey .. BUCKET_SUFFIX[b]
    local t = bucketTypes[key]
    if not t then
      t = keyType(key)
      bucketTypes[key] = t
    end
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

-- On a level of leaves (the biggest level of most flows) one EXISTS over all their bucket keys
-- answers for every job; otherwise one EXISTS per job spares four TYPE calls for each leaf.
local anyBuckets = true
if n > 0 and n <= 1000 then
  local bucketKeys = {}
  local b = 0
  for i = 1, n do
    local key = KEYS[i]
    bucketKeys[b + 1] = key .. ":processed"
    bucketKeys[b + 2] = key .. ":dependencies"
    bucketKeys[b + 3] = key .. ":unsuccessful"
    bucketKeys[b + 4] = key .. ":failed"
    b = b + 4
  end
  anyBuckets = rcall("EXISTS", unpack(bucketKeys)) > 0
end

-- Reply: one flat array for the whole batch. Per job, first a head string joined with "\0":
--   kind, meta, then the #FIELDS values ("" where absent),
-- meta = "<bitmask of present fields>,<#errors>,<#parent buckets>,<1 if bucket pages follow>";
-- then the errors (the job key's wrong type first, then the buckets'), the parent buckets, and
-- when flagged, per bucket (processed, unprocessed, failed, ignored): total, cursor, #keys,
-- keys... A leaf is a single string: one Lua->RESP conversion and one client-side parse
-- instead of one per field. (A field holding a NUL byte shifts the split; the caller notices
-- the count and reports it.)
local reply = {}
local r = 0
-- Appends the strings of `list` (the errors, the parent buckets) when there is one.
local function append(list)
  if not list then return end
  for _, value in ipairs(list) do
    r = r + 1
    reply[r] = value
  end
end
local plainHead = {} -- mask -> "hash\0mask,0,0,0", the start of almost every job's head (number formatting is slow in Lua)
local noValues = {}
for i = 1, n do
  local key = KEYS[i]

  -- One HMGET per job; a job key of another type answers WRONGTYPE, caught by pcall, and a key
  -- with none of the fields is told apart from a missing one by TYPE (both rare). Absent fields
  -- become "" so that the values can be joined as they are; the mask tells them from "".
  local values = redis.pcall("HMGET", key, unpack(FIELDS))
  local kind = "hash"
  local mask, bit = 0, 1
  if type(values) == "table" and values.err then
    kind = keyType(key)
    for j = 1, nFields do
      noValues[j] = ""
    end
    values = noValues
  else
    for j = 1, nFields do
      if values[j] then
        mask = mask + bit
      else
        values[j] = ""
      end
      bit = bit * 2
    end
    if mask == 0 then
      kind = keyType(key)
    end
  end

  local errs
  if kind ~= "hash" and kind ~= "none" then
    errs = { key .. " is a " .. kind .. ", not a hash" }
  end
  local pages
  if anyBuckets and rcall("EXISTS", key .. ":processed", key .. ":dependencies", key .. ":unsuccessful", key .. ":failed") > 0 then
    pages = {}
    for b, bucket in ipairs(BUCKET_NAMES) do
      local total, cursor, keys, err = listBucket(key, bucket, "0", math.min(pageSize, listBudget))
      listBudget = listBudget - #keys
      pages[b] = { total, cursor, keys }
      if err then
        errs = errs or {}
        errs[#errs + 1] = err
      end
    end
  end
  local holding
  if withParentBucket and kind == "hash" and parentKeyAt > 0 then
    local parentKey = values[parentKeyAt]
    if parentKey ~= "" then
      holding = bucketsHolding(parentKey, key)
    end
  end

  if errs or holding or pages or kind ~= "hash" then
    values[0] = kind .. "\0" .. mask .. "," .. (errs and #errs or 0) .. "," .. (holding and #holding or 0) .. "," .. (pages and 1 or 0)
  else
    local head = plainHead[mask]
    if not head then
      head = "hash\0" .. mask .. ",0,0,0"
      plainHead[mask] = head
    end
    values[0] = head
  end
  r = r + 1
  reply[r] = table.concat(values, "\0", 0, nFields)
  append(errs)
  append(holding)
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
