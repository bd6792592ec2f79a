--[[
  Cuts the part of one queue's failed zset scored at or after ARGV[1] into pages of about
  ARGV[2] jobs, by score, for find-removed-failures.lua: the pages are then read all at once
  (one round trip), and a job leaving the set meanwhile (retention trimming, a retry) shifts no
  page, as pages by rank would. Read-only; O(log n) per page boundary.

  KEYS[1]  the queue key P:Q (reads P:Q:failed)
  ARGV[1]  from score (ms; the failed zset is scored by failure time)
  ARGV[2]  page size
  Reply: { from, to, from, to, ... } score bounds as ZRANGEBYSCORE takes them ("(" = exclusive);
         empty when nothing failed at or after ARGV[1].
]]
--- @include "key-type"
local rcall = redis.call
local key = KEYS[1] .. ":failed"
local from = ARGV[1]
local size = math.max(1, tonumber(ARGV[2]) or 1000)

if keyType(key) ~= "zset" then return {} end
local n = rcall("ZCOUNT", key, from, "+inf")
if n == 0 then return {} end
if n <= size then return { from, "+inf" } end
local first = rcall("ZCOUNT", key, "-inf", "(" .. from)
local out = {}
local lo = from
for k = size, n - 1, size do
  local at = rcall("ZRANGE", key, first + k, first + k, "WITHSCORES")
  local score = at[2]
  -- Jobs sharing one score stay in one page (a page may then be bigger than `size`).
  if score and tonumber(score) > tonumber(lo) then
    out[#out + 1] = lo
    out[#out + 1] = "(" .. score
    lo = score
  end
end
out[#out + 1] = lo
out[#out + 1] = "+inf"
return out
