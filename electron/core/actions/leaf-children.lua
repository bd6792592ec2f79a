--[[
  What "Remove unprocessed" needs to know first about a parent whose children may all be leaves
  (remove-unprocessed.ts, the leaf path): the parent's creation time (where the remove-policy
  search starts), its `:dependencies` and which of them have any bucket key (children of their
  own). Read-only; the bucket keys are asked 1,000 at a time with one EXISTS, so a fan-out of
  10,000 leaves costs ~40 calls.

  KEYS[1]  the parent key P:Q:id
  ARGV[1]  the most children listed (a bigger set is not listed: the caller takes the full path)
  Reply: { status, timestamp, marks, child, child, ... }
    status "ok", "missing" (no parent hash), "not-set" (`:dependencies` of another type), or
           "too-many"; only "ok" has the rest
    marks  one character per child in reply order: "1" it has a bucket key, "0" none
]]
--- @include "key-type"
local rcall = redis.call
local parentKey = KEYS[1]
local most = tonumber(ARGV[1]) or 10000
if keyType(parentKey) ~= "hash" then return { "missing" } end
local timestamp = rcall("HGET", parentKey, "timestamp") or ""
local depsKey = parentKey .. ":dependencies"
local t = keyType(depsKey)
if t ~= "set" and t ~= "none" then return { "not-set" } end
if rcall("SCARD", depsKey) > most then return { "too-many" } end
local children = rcall("SMEMBERS", depsKey)
local marks = {}
local SUFFIXES = { ":dependencies", ":processed", ":failed", ":unsuccessful" }
local PER_CALL = 250 -- children per EXISTS (4 keys each)
for from = 1, #children, PER_CALL do
  local to = math.min(from + PER_CALL - 1, #children)
  local keys = {}
  for i = from, to do
    for _, suffix in ipairs(SUFFIXES) do keys[#keys + 1] = children[i] .. suffix end
  end
  local any = rcall("EXISTS", unpack(keys)) > 0
  for i = from, to do
    local mark = "0"
    if any then
      for _, suffix in ipairs(SUFFIXES) do
        if rcall("EXISTS", children[i] .. suffix) == 1 then mark = "1" end
      end
    end
    marks[i] = mark
  end
end
local out = { "ok", timestamp, table.concat(marks) }
for i = 1, #children do out[#out + 1] = children[i] end
return out
