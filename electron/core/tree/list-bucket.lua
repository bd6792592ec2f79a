--[[
  Library (--- @include "list-bucket": load-level.lua, children-page.lua): lists one of a parent's four
  child buckets, exactly as Job.getDependencies() names them:
    processed   -> <job>:processed     hash  (child key -> return value)
    unprocessed -> <job>:dependencies  set
    failed      -> <job>:unsuccessful  zset  (fpof children)
    ignored     -> <job>:failed        hash  (idof / cpof children)
  Reads only; writes nothing. A bucket key of the wrong type is reported, never called with a
  command that would raise WRONGTYPE and abort the whole script.

  Paging: a page starts at `cursor` ("0" = first page) and returns the cursor of the next page,
  "0" when the bucket is exhausted; a page holds `count` keys (fewer only at the end). Hashes
  and sets page with HSCAN / SSCAN, the zset by rank like getDependencies({ failed }) does.
  Without a snapshot, a bucket that changes between pages can repeat or skip a key that moved.
]]
local rcall = redis.call

local BUCKET_NAMES = { "processed", "unprocessed", "failed", "ignored" }
local BUCKET_SUFFIX = {
  processed = ":processed", unprocessed = ":dependencies", failed = ":unsuccessful", ignored = ":failed"
}
local BUCKET_TYPE = { processed = "hash", unprocessed = "set", failed = "zset", ignored = "hash" }

-- Packed cursor = SCAN cursor * SKIP_BASE + items already taken from that SCAN step. Exact in a
-- double while the SCAN cursor stays below 2^32 (a bucket of billions of children).
local SKIP_BASE = 2097152
local SCAN_STEP = 100

--- @include "key-type"

-- Returns total, nextCursor, keys, error (nil when the bucket is readable).
local function listBucket(jobKey, bucket, cursor, count)
  local key = jobKey .. BUCKET_SUFFIX[bucket]
  local t = keyType(key)
  if t == "none" then
    return 0, "0", {}, nil
  end
  local want = BUCKET_TYPE[bucket]
  if t ~= want then
    return 0, "0", {}, key .. " is a " .. t .. ", not a " .. want
  end
  local total
  if t == "hash" then
    total = rcall("HLEN", key)
  elseif t == "set" then
    total = rcall("SCARD", key)
  else
    total = rcall("ZCARD", key)
  end
  if count <= 0 or total == 0 then
    return total, cursor, {}, nil
  end

  if t == "zset" then
    local start = tonumber(cursor) or 0
    local keys = rcall("ZRANGE", key, start, start + count - 1)
    local nextStart = start + #keys
    if nextStart >= total or #keys == 0 then
      return total, "0", keys, nil
    end
    return total, tostring(nextStart), keys, nil
  end

  -- Small bucket read from the start: one call, and no SCAN cursor to hand out.
  if cursor == "0" and total <= count then
    if t == "hash" then
      return total, "0", rcall("HKEYS", key), nil
    end
    return total, "0", rcall("SMEMBERS", key), nil
  end

  -- A hash/set cursor packs a SCAN cursor and how many items of that SCAN step the previous
  -- page already took: pages hold exactly `count` keys even where one SCAN step returns the
  -- whole bucket (listpack / intset encodings). Steps use a fixed COUNT so that replaying one
  -- returns the same items while the bucket is unchanged.
  local keys = {}
  local scan = (t == "hash") and "HSCAN" or "SSCAN"
  local stride = (t == "hash") and 2 or 1
  local packed = tonumber(cursor) or 0
  local scanCursor = math.floor(packed / SKIP_BASE)
  local skip = packed - scanCursor * SKIP_BASE
  local at = string.format("%.0f", scanCursor)
  while true do
    local reply = rcall(scan, key, at, "COUNT", SCAN_STEP)
    local items = reply[2]
    local size = #items / stride
    local need = count - #keys
    if size - skip > need and skip + need < SKIP_BASE then
      for j = skip + 1, skip + need do
        keys[#keys + 1] = items[(j - 1) * stride + 1]
      end
      return total, string.format("%.0f", tonumber(at) * SKIP_BASE + skip + need), keys, nil
    end
    for j = skip + 1, size do
      keys[#keys + 1] = items[(j - 1) * stride + 1]
    end
    skip = 0
    at = reply[1]
    if at == "0" then
      return total, "0", keys, nil
    end
    if #keys >= count then
      return total, string.format("%.0f", tonumber(at) * SKIP_BASE), keys, nil
    end
  end
end
