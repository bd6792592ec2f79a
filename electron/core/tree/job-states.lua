--[[
  Exact states of many job ids, grouped by queue, as Job.getState() answers them. Sent once per
  level of a tree (per STATE_BATCH ids), in the same round trip as that level's load-level.lua
  batches, so each state list of a queue is read once per level instead of once per batch.

  KEYS[1]  one job key of the call (for routing only; nothing is read from it)
  ARGV     groups, one after another: queueKey (P:Q), count, then `count` distinct job ids of
           that queue

  Reads, never writes:
    P:Q:completed|failed|delayed|prioritized|waiting-children   TYPE, ZMSCORE (ZSCORE per id
                                before Redis 6.2)
    P:Q:active|wait|paused      TYPE, LPOS per id for a few ids, else LLEN + LRANGE in chunks

  State mirrors getStateV2-8.lua (what Job.getState() runs on Redis >= 6.0.6; the same script in
  BullMQ 5 and 6, so a paused BullMQ 5 queue's jobs in P:Q:paused are waiting as BullMQ 6's in
  P:Q:wait): the first of completed, failed, delayed, prioritized (zsets), active, wait, paused (lists),
  waiting-children (zset), else unknown. A state key of the wrong type makes getState throw
  WRONGTYPE for the ids that reach it; here those ids get "x" (unknown) plus the group's error.
  Whether the job hash exists is not looked at here (load-level.lua answers "missing").

  Cost: LPOS is O(list length) per id, so BullMQ's per-job getState over N waiting jobs is
  O(N^2). Here the ids of one group are decided together: one ZMSCORE per state zset for all of
  them, then for those still undecided, per list, LPOS for up to LPOS_LIMIT ids, else one pass
  over the list in chunks that stops as soon as all are found: O(ids + list length).

  Reply: { codes, error, codes, error, ... } per group in ARGV order; codes has one character
  per id, in ARGV order: c completed, f failed, d delayed, p prioritized, a active, w waiting
  (wait or paused), W waiting-children, u unknown, x unknown because of `error` ("" if none).
]]
local rcall = redis.call

local LPOS_LIMIT = 12
local LIST_CHUNK = 1000
local ZSET_CHUNK = 1000

local STEPS = {
  { "completed", "c", "zset" }, { "failed", "f", "zset" }, { "delayed", "d", "zset" },
  { "prioritized", "p", "zset" }, { "active", "a", "list" }, { "wait", "w", "list" },
  { "paused", "w", "list" }, { "waiting-children", "W", "zset" },
}

--- @include "key-type"

-- The ids of `left` that have no state yet, in order.
local function undecided(left, state)
  local rest, r = {}, 0
  for j = 1, #left do
    if not state[left[j]] then
      r = r + 1
      rest[r] = left[j]
    end
  end
  return rest
end

-- Ids of `left` in the zset get `code`; returns those that are not.
local hasZmscore = true
local function zsetPass(key, left, code, state)
  local n = #left
  local hit = false
  if hasZmscore then
    local from = 1
    while from <= n do
      local to = math.min(from + ZSET_CHUNK - 1, n)
      local scores = redis.pcall("ZMSCORE", key, unpack(left, from, to))
      if type(scores) == "table" and scores.err then
        hasZmscore = false
        break
      end
      for j = from, to do
        if scores[j - from + 1] then
          state[left[j]] = code
          hit = true
        end
      end
      from = to + 1
    end
  end
  if not hasZmscore then
    for j = 1, n do
      if rcall("ZSCORE", key, left[j]) then
        state[left[j]] = code
        hit = true
      end
    end
  end
  if not hit then
    return left
  end
  return undecided(left, state)
end

-- Ids of `left` in the list get `code`; returns those that are not. LPOS runs in C (~30 ns per
-- element passed) where reading the list into Lua costs ~400 ns per element, so a few ids go by
-- LPOS each and more by one pass that stops once all are found.
local function listPass(key, left, code, state)
  local n = #left
  if n <= LPOS_LIMIT then
    for j = 1, n do
      if rcall("LPOS", key, left[j]) then
        state[left[j]] = code
      end
    end
  else
    local wanted = {}
    for j = 1, n do
      wanted[left[j]] = true
    end
    local missing = n
    local len = rcall("LLEN", key)
    local start = 0
    while start < len and missing > 0 do
      local items = rcall("LRANGE", key, start, start + LIST_CHUNK - 1)
      if #items == 0 then
        break
      end
      for i = 1, #items do
        local v = items[i]
        if wanted[v] then
          wanted[v] = nil
          state[v] = code
          missing = missing - 1
        end
      end
      start = start + LIST_CHUNK
    end
    if missing == 0 then
      return {}
    elseif missing == n then
      return left
    end
  end
  return undecided(left, state)
end

-- Decides the unique `ids` of one queue: returns id -> code and the error, if a state key has
-- the wrong type (the ids still undecided there get "x").
local function decide(queueKey, ids)
  local state = {}
  local left = ids
  for s = 1, #STEPS do
    if #left == 0 then
      return state, ""
    end
    local step = STEPS[s]
    local key = queueKey .. ":" .. step[1]
    local t = keyType(key)
    if t == step[3] then
      if t == "zset" then
        left = zsetPass(key, left, step[2], state)
      else
        left = listPass(key, left, step[2], state)
      end
    elseif t ~= "none" then
      for j = 1, #left do
        state[left[j]] = "x"
      end
      return state, key .. " is a " .. t .. ", not a " .. step[3]
    end
  end
  return state, ""
end

local reply = {}
local at = 1
while at <= #ARGV do
  local queueKey = ARGV[at]
  local count = tonumber(ARGV[at + 1]) or 0
  local first, last = at + 2, at + 1 + count
  local ids = {}
  for i = first, last do
    ids[i - first + 1] = ARGV[i]
  end
  local state, err = decide(queueKey, ids)
  local codes = {}
  for j = 1, count do
    codes[j] = state[ids[j]] or "u"
  end
  reply[#reply + 1] = table.concat(codes)
  reply[#reply + 1] = err
  at = last + 1
end
return reply
