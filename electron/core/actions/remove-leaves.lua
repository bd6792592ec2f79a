--[[
  "Remove unprocessed" for the children that are leaves (remove-unprocessed.ts, the leaf path):
  each child of the batch that is, as this script runs, still in the parent's :dependencies, a
  job hash with no `:dependencies` (the caller saw no bucket key at all; a new child always
  lands there first), not locked or in its queue's active list, and not failed or completed, is
  removed as remove-unprocessed.lua removes a planned
  leaf (removeMany: its state set or list, dedup key, hash and logs, a `removed` event with the
  state it left). Any other child is left as it is, untouched and unreported, for the full path
  (read, plan, remove-unprocessed.lua), which the caller runs for whatever is left; so is the
  parent or an ancestor listed back (data BullMQ never writes). Then, as BullMQ, if
  :dependencies is empty and the parent is in waiting-children, it is released (releaseParent).

  KEYS[1]  parent key P:Q:id
  ARGV[1]  timestamp in ms (for a delayed parent's release)
  ARGV[2]  JSON object: queue key -> BullMQ layout "5" | "6" | "?" (queue-meta.lua targetList)
  ARGV[3..] the children (job keys), ~1,000 a call; none with a remove-policy failure (the
            caller's search), which the full path takes with its parent
  Reads:  P:Q:id:dependencies, each child's hash and :dependencies, its queue's state sets and
          active list (the lock only when that list holds anything)
  Writes: as remove-unprocessed.lua for leaves
  Returns { {removed keys}, released "1"|"0", children left in :dependencies }
]]
--- @include "remove-subtree"
local parentKey = KEYS[1]
local timestamp = ARGV[1]
useLayouts(ARGV[2])
local depsKey = parentKey .. ":dependencies"
local above = ancestorsOf(parentKey)
above[parentKey] = true

local children, queueOf, idOf = {}, {}, {}
for i = 3, #ARGV do
  local key = ARGV[i]
  local queueKey, id = splitKey(key)
  if queueKey and not above[key] then
    children[#children + 1] = key
    queueOf[#children], idOf[#children] = queueKey, id
  end
end
local n = #children

local ok = inSet(depsKey, children)
-- Job hashes (BullMQ never changes a job key's type): one EXISTS, TYPE each only when one is gone.
for from = 1, n, 1000 do
  local to = math.min(from + 999, n)
  if rcall("EXISTS", unpack(children, from, to)) ~= to - from + 1 then
    for i = from, to do ok[i] = ok[i] and keyType(children[i]) == "hash" end
  end
end
-- Still no child of its own: a new child always lands in :dependencies first (the caller saw no
-- bucket key at all a moment ago), so that one key is asked, 1,000 at a time.
for from = 1, n, 1000 do
  local to = math.min(from + 999, n)
  local keys = {}
  for i = from, to do keys[#keys + 1] = children[i] .. ":dependencies" end
  if rcall("EXISTS", unpack(keys)) > 0 then
    for i = from, to do
      if ok[i] and rcall("EXISTS", keys[i - from + 1]) == 1 then ok[i] = false end
    end
  end
end
-- Per queue: the state zsets (failed and completed stay; the others name the set to remove it
-- from) and, when its active list holds anything, the list itself.
local byQueue, order = {}, {}
for i = 1, n do
  local q = byQueue[queueOf[i]]
  if not q then
    q = { ids = {}, at = {} }
    byQueue[queueOf[i]] = q
    order[#order + 1] = queueOf[i]
  end
  q.ids[#q.ids + 1] = idOf[i]
  q.at[#q.at + 1] = i
end
local hints = {}
for _, queueKey in ipairs(order) do
  local q = byQueue[queueKey]
  for _, state in ipairs({ "failed", "completed" }) do
    for j, found in ipairs(inZset(queueKey .. ":" .. state, q.ids)) do
      if found then ok[q.at[j]] = false end
    end
  end
  for _, state in ipairs({ "delayed", "prioritized", "waiting-children" }) do
    for j, found in ipairs(inZset(queueKey .. ":" .. state, q.ids)) do
      if found then hints[children[q.at[j]]] = state end
    end
  end
  -- A worker takes a job into the active list and locks it in one script: with the list empty,
  -- no child of this queue is active (remove-unprocessed.lua's rule too).
  local activeKey = queueKey .. ":active"
  if keyType(activeKey) == "list" and rcall("LLEN", activeKey) > 0 then
    for j, id in ipairs(q.ids) do
      local i = q.at[j]
      if ok[i] and (rcall("EXISTS", children[i] .. ":lock") == 1 or rcall("LPOS", activeKey, id)) then ok[i] = false end
    end
  end
end

local removed, leaves, removedQueue, removedId = {}, {}, {}, {}
for i = 1, n do
  local key = children[i]
  if ok[i] then
    removed[#removed + 1] = key
    removedQueue[#removed], removedId[#removed] = queueOf[i], idOf[i]
    leaves[key] = true
    hints[key] = hints[key] or "waiting"
  end
end
for i = 1, #removed, 1000 do rcall("SREM", depsKey, unpack(removed, i, math.min(i + 999, #removed))) end
removeMany(removed, hints, leaves, removedQueue, removedId)

local released = "0"
local left = rcall("SCARD", depsKey)
if left == 0 and rcall("EXISTS", parentKey) == 1 then
  if releaseParent(parentKey, timestamp) then released = "1" end
end
return { removed, released, left }
