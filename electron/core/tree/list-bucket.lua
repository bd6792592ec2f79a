--[[
  Library (prepended to load-level.lua and children-page.lua): lists one of a parent's four
  child buckets, exactly as Job.getDependencies() names them:
    processed   -> <job>:processed     hash  (child key -> return value)
    unprocessed -> <job>:dependencies  set
    failed      -> <job>:unsuccessful  zset  (fpof children)
    ignored     -> <job>:failed        hash  (idof / cpof children)
  Reads only; writes nothing. A bucket key of the wrong type is reported, never called with a
  command that would raise WRONGTYPE and abort the whole script.

  Paging: a page starts at `cursor` ("0" = first page) and returns the cursor of the next page,
  "0" when the bucket is exhausted. Hashes and sets page with HSCAN / SSCAN (a page may hold a
  few more than `count`: one SCAN step returns whole hash-table buckets); the zset pages by
  rank, like getDependencies({ failed }) does.
]]
local rcall = redis.call

local BUCKET_NAMES = { "processed", "unprocessed", "failed", "ignored" }
local BUCKET_SUFFIX = {
  processed = ":processed", unprocessed = ":dependencies", failed = ":unsuccessful", ignored = ":failed"
}
local BUCKET_TYPE = { processed = "hash", unprocessed = "set", failed = "zset", ignored = "hash" }

local function keyType(key)
  return rcall("TYPE", key)["ok"]
end

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

  local keys = {}
  local scan = (t == "hash") and "HSCAN" or "SSCAN"
  repeat
    local reply = rcall(scan, key, cursor, "COUNT", count - #keys)
    cursor = reply[1]
    local items = reply[2]
    if t == "hash" then
      for i = 1, #items, 2 do
        keys[#keys + 1] = items[i]
      end
    else
      for i = 1, #items do
        keys[#keys + 1] = items[i]
      end
    end
  until cursor == "0" or #keys >= count
  return total, cursor, keys, nil
end
