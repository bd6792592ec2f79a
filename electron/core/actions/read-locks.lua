--[[
  Worker locks of jobs, the one thing the actions read that the tree loader does not (states,
  fields and buckets come from ../tree/load-level.lua and job-states.lua; read-subtree.ts sends
  this in the same round trip). Read-only.

  KEYS     job keys P:Q:id
  Reads    P:Q:id:lock (EXISTS)
  Reply    one string, one character per key in KEYS order: "1" locked, "0" not
]]
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call("EXISTS", key .. ":lock") == 1 and "1" or "0"
end
return table.concat(out)
