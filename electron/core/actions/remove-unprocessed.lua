--[[
  Removes one batch of a parent's unprocessed children (docs/SPEC.md §6 "Remove unprocessed children")
  as planned by plan-remove.ts, mirroring removeUnprocessedChildren-2.lua
  (Job.removeUnprocessedChildren). Each child is checked again here, as it is removed: what
  changed since the plan is skipped with its reason (or, for a child that gained children,
  handled with its subtree as it now is), never removed blindly.

  KEYS[1]   parent key P:Q:id
  ARGV[1]   timestamp in ms (for a delayed parent's release)
  ARGV[2]   JSON object: queue key -> BullMQ layout "5" | "6" | "?" (queue-meta.lua targetList)
  ARGV[3]   the children, one JSON array of [key, planned state, "1" if it had no children,
            extras], extras being the failed remove-policy jobs of its subtree (an array, found
            by the remove-policy search)

  Per child, as BullMQ: skipped when it is no longer in :dependencies, active (locked) or failed
  (a failed child with no policy stays in :dependencies), or completed; otherwise removed from
  :dependencies and deleted with its whole subtree (remove-subtree.lua), `removed` per job,
  with the failed remove-policy jobs under it whose parentKey still names a job of it. A
  child planned as a leaf is checked to have no `:dependencies` still instead of being walked.
  The checks are asked in bulk before the batch writes anything (see below). Stricter than BullMQ: a child with an active job anywhere under it is skipped (BullMQ
  deletes the child and orphans the running job); a dangling entry (no job hash) is dropped from
  :dependencies, as BullMQ drops it. A subtree never reaches back to the parent or an ancestor
  (by parentKey): on a cycle BullMQ never writes, those stay (bad-data-guard.ts refuses the
  action before it runs when it sees one).
  Then, as BullMQ: if :dependencies is empty and the parent is in waiting-children, it moves to
  its queue's target list (wait, or paused for a paused BullMQ 5 queue), prioritized or delayed
  (releaseParent, moveParentToWait.lua) with a `waiting` event.

  Reads:  P:Q:id:dependencies, each child's hash, lock, state sets and buckets (recursively for
          a child that has children)
  Writes: P:Q:id:dependencies (SREM), every removed job's keys, state sets, dedup key and its
          queue's events; on release the parent's waiting-children / wait / prioritized /
          delayed (or paused), marker and events.
  Returns { {removed keys, children first}, {skipped key, reason, ...}, released "1"|"0" }
]]
--- @include "remove-subtree"
local parentKey = KEYS[1]
local timestamp = ARGV[1]
useLayouts(ARGV[2])
local ITEMS = cjson.decode(ARGV[3])
local depsKey = parentKey .. ":dependencies"

-- The parent and its ancestors (by parentKey) are never part of a child's subtree: on data
-- BullMQ never writes (a child's bucket listing the parent back, a parentKey cycle) the walk
-- would otherwise lead back up and remove the parent itself.
local above = ancestorsOf(parentKey)
above[parentKey] = true
local function guarded() return fenced(above) end

local removed, skipped = {}, {}
local toRemove, hints, unlinked, leaves = {}, {}, {}, {}
local function skip(key, reason)
  skipped[#skipped + 1] = key
  skipped[#skipped + 1] = reason
end

-- The checks of every child, asked in bulk first (they write nothing, so they read what was
-- there before the batch): membership in :dependencies (SMISMEMBER), that every job hash still
-- exists (one EXISTS; TYPE per child only for an entry planned as dangling, or when one is
-- gone), the failed / completed zsets of each queue (ZMSCORE), and, only for a queue whose
-- active list holds anything (a worker takes a job into it and locks it in one script),
-- the lock and LPOS of each of its children. A child planned as a leaf must still have no
-- `:dependencies` (a new child always lands there first) to be removed without a walk.
local CHUNK = 1000
local n = #ITEMS
local children, queueOf = {}, {}
local pending, isJob, failedAt, completedAt, lockedAt, stillLeaf = {}, {}, {}, {}, {}, {}
do
  for i, item in ipairs(ITEMS) do
    children[i] = item[1]
    queueOf[i] = splitKey(item[1]) or false
  end
  local hasMulti = true
  for from = 1, n, CHUNK do
    local to = math.min(from + CHUNK - 1, n)
    local replies = hasMulti and redis.pcall("SMISMEMBER", depsKey, unpack(children, from, to)) or nil
    if type(replies) ~= "table" or replies.err then
      hasMulti = false -- before Redis 6.2
      for i = from, to do pending[i] = rcall("SISMEMBER", depsKey, children[i]) == 1 end
    else
      for i = from, to do pending[i] = replies[i - from + 1] == 1 end
    end
  end
  -- Job hashes: planned as jobs and all still there -> hashes (BullMQ never changes a job key's type).
  for from = 1, n, CHUNK do
    local to = math.min(from + CHUNK - 1, n)
    local planned = true
    for i = from, to do
      if ITEMS[i][2] == "missing" or not queueOf[i] then planned = false end
    end
    if planned and rcall("EXISTS", unpack(children, from, to)) == to - from + 1 then
      for i = from, to do isJob[i] = true end
    else
      for i = from, to do isJob[i] = queueOf[i] ~= false and keyType(children[i]) == "hash" end
    end
  end
  -- Per queue: its children's ids, for the state zsets and the active list.
  local byQueue, order = {}, {}
  for i = 1, n do
    local queueKey = queueOf[i]
    if queueKey then
      local q = byQueue[queueKey]
      if not q then
        q = { ids = {}, at = {} }
        byQueue[queueKey] = q
        order[#order + 1] = queueKey
      end
      q.ids[#q.ids + 1] = string.sub(children[i], #queueKey + 2)
      q.at[#q.at + 1] = i
    end
  end
  local hasZmscore = true
  local function inZset(key, q, into)
    for from = 1, #q.ids, CHUNK do
      local to = math.min(from + CHUNK - 1, #q.ids)
      local scores = hasZmscore and redis.pcall("ZMSCORE", key, unpack(q.ids, from, to)) or nil
      if type(scores) ~= "table" or scores.err then
        hasZmscore = false
        for j = from, to do into[q.at[j]] = rcall("ZSCORE", key, q.ids[j]) ~= false end
      else
        for j = from, to do into[q.at[j]] = scores[j - from + 1] ~= false end
      end
    end
  end
  for _, queueKey in ipairs(order) do
    local q = byQueue[queueKey]
    inZset(queueKey .. ":failed", q, failedAt)
    inZset(queueKey .. ":completed", q, completedAt)
    local activeKey = queueKey .. ":active"
    if keyType(activeKey) == "list" and rcall("LLEN", activeKey) > 0 then
      for j, id in ipairs(q.ids) do
        local i = q.at[j]
        if rcall("EXISTS", children[i] .. ":lock") == 1 or rcall("LPOS", activeKey, id) then lockedAt[i] = true end
      end
    end
  end
  for from = 1, n, CHUNK do
    local to = math.min(from + CHUNK - 1, n)
    local keys, owners = {}, {}
    for i = from, to do
      stillLeaf[i] = ITEMS[i][3] == "1"
      if stillLeaf[i] then
        keys[#keys + 1] = children[i] .. ":dependencies"
        owners[#owners + 1] = i
      end
    end
    if #keys > 0 and rcall("EXISTS", unpack(keys)) > 0 then
      for j, key in ipairs(keys) do
        if rcall("EXISTS", key) == 1 then stillLeaf[owners[j]] = false end
      end
    end
  end
end

for i, item in ipairs(ITEMS) do
  local child, planned = item[1], item[2]
  if not pending[i] then
    skip(child, "no longer pending in " .. parentKey)
  elseif not isJob[i] then
    unlinked[#unlinked + 1] = child
  elseif lockedAt[i] then
    skip(child, "active (a worker holds it)")
  elseif failedAt[i] then
    skip(child, "failed with no policy: it blocks the parent until it is retried or removed")
  elseif completedAt[i] then
    skip(child, "completed")
  elseif stillLeaf[i] then
    unlinked[#unlinked + 1] = child
    removed[#removed + 1] = child
    toRemove[#toRemove + 1] = child
    hints[child] = planned
    -- Planned with no bucket at all, and still no :dependencies (where any child lands first).
    leaves[child] = true
  else
    local activeBelow = findActive(child, guarded())
    local walked, seen, withExtras = {}, guarded(), {}
    if not activeBelow then
      collectSubtree(child, seen, walked)
      -- Its failed remove-policy children (at any depth), in no bucket: found by the caller's search.
      local inSubtree = {}
      for _, key in ipairs(walked) do inSubtree[key] = true end
      activeBelow = collectRemovedFailures(item[4] or {}, seen, inSubtree, withExtras)
    end
    if activeBelow then
      skip(child, "has an active job under it (" .. activeBelow .. "); removing it would orphan that job")
    else
      for _, key in ipairs(walked) do withExtras[#withExtras + 1] = key end
      unlinked[#unlinked + 1] = child
      for _, key in ipairs(withExtras) do
        removed[#removed + 1] = key
        toRemove[#toRemove + 1] = key
      end
      hints[child] = planned
    end
  end
end

for i = 1, #unlinked, 1000 do rcall("SREM", depsKey, unpack(unlinked, i, math.min(i + 999, #unlinked))) end
-- All at once: each list is searched once for the whole batch.
removeMany(toRemove, hints, leaves)

local released = "0"
if rcall("SCARD", depsKey) == 0 and rcall("EXISTS", parentKey) == 1 then
  if releaseParent(parentKey, timestamp) then released = "1" end
end
return { removed, skipped, released }
