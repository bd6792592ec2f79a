--[[
  Walks one state set of one queue from its newest end and picks out the flows in it: the jobs
  that have (or had) children, i.e. one of P:Q:id:dependencies | :processed | :failed |
  :unsuccessful exists. The flow list (flow-walk.ts) pages through the state sets with it, so a
  listing costs what it walks, not what the prefix holds.

  KEYS[1]  the state set, P:Q:<state> (every key read is of the same queue, so of the same slot
           on a cluster where BullMQ works)
  ARGV[1]  how to walk: "score" a zset by score, highest first (waiting-children, completed,
           failed, delayed); "rank" a zset by rank, lowest first (prioritized); "list" a list
           from its head (wait, paused, active)
  ARGV[2]  P:Q: (what a job id is appended to)
  ARGV[3]  where to start: for "score" the highest score still to walk ("+inf" at first), for
           "rank" and "list" the index
  ARGV[4]  for "score": how many members with exactly that score were already walked
  ARGV[5]  most members to examine in this call (bounds its run time: ~2 µs a member)
  ARGV[6]  "1": any parent counts (waiting-children); otherwise roots only (no parentKey)
  ARGV[7]  for "score": the lowest score to walk to ("-inf", the default: the whole set)

  Reads, never writes: ZREVRANGEBYSCORE / ZRANGE / LRANGE of KEYS[1] (one call), then per
  member one EXISTS of its four bucket keys, and for a parent one HEXISTS parentKey.

  Reply: { done, endStart, endTies, top, id1, score1, ties1, id2, score2, ties2, ... } where
  done is 1 when the set (or the range down to ARGV[7]) has nothing past this call,
  endStart/endTies the position after the last member examined, top the score of the first
  member examined ("" for none, or rank/list), and each found flow comes with the position
  right after it (its score and the count of members of that score walked up to it; for
  rank/list, its index + 1 and 0).
]]
local set = KEYS[1]
local how = ARGV[1]
local q = ARGV[2]
local start = ARGV[3]
local ties = tonumber(ARGV[4]) or 0
local budget = tonumber(ARGV[5]) or 2000
local anyParent = ARGV[6] == "1"
local lowest = ARGV[7] or "-inf"

local function isFlow(id)
  local k = q .. id
  if redis.call("EXISTS", k .. ":dependencies", k .. ":processed", k .. ":failed", k .. ":unsuccessful") == 0 then
    return false
  end
  return anyParent or redis.call("HEXISTS", k, "parentKey") == 0
end

local reply = { 0, start, ties, "" }
if how == "score" then
  local batch = redis.call("ZREVRANGEBYSCORE", set, start, lowest, "WITHSCORES", "LIMIT", ties, budget)
  if #batch > 0 then reply[4] = batch[2] end
  local score, seen = start, ties
  for i = 1, #batch, 2 do
    local id, s = batch[i], batch[i + 1]
    if s == score then seen = seen + 1 else score, seen = s, 1 end
    if isFlow(id) then
      reply[#reply + 1] = id
      reply[#reply + 1] = s
      reply[#reply + 1] = seen
    end
  end
  reply[1] = (#batch / 2 < budget) and 1 or 0
  reply[2] = score
  reply[3] = seen
else
  local from = tonumber(start) or 0
  local batch
  if how == "rank" then
    batch = redis.call("ZRANGE", set, from, from + budget - 1)
  else
    batch = redis.call("LRANGE", set, from, from + budget - 1)
  end
  for i = 1, #batch do
    if isFlow(batch[i]) then
      reply[#reply + 1] = batch[i]
      reply[#reply + 1] = tostring(from + i)
      reply[#reply + 1] = 0
    end
  end
  reply[1] = (#batch < budget) and 1 or 0
  reply[2] = tostring(from + #batch)
  reply[3] = 0
end
return reply
