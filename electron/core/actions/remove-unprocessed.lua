--[[
  Removes a batch of a parent's unprocessed children (SPEC §6 "Remove unprocessed children"),
  mirroring removeUnprocessedChildren-2.lua (Job.removeUnprocessedChildren). With ARGV[1] = "1"
  it only reports what it would do (the preview runs this same code).

  KEYS[1]   parent key P:Q:id
  ARGV[1]   "1" dry run
  ARGV[2]   timestamp in ms (for a delayed parent's release)
  ARGV[3]   JSON object: queue key -> BullMQ layout "5" | "6" | "?" (queue-meta.lua targetList)
  ARGV[4..] child keys, from the parent's :dependencies

  Per child, as BullMQ: skipped when it is active (locked) or failed (a failed child with no
  policy stays in :dependencies); otherwise removed from :dependencies and deleted with its whole
  subtree (remove-subtree.lua), `removed` per job. Stricter than BullMQ: a child with an active
  job anywhere under it is skipped (BullMQ deletes the child and orphans the running job);
  a dangling entry (no job hash) is dropped from :dependencies, as BullMQ drops it.
  Then, as BullMQ: if :dependencies is empty and the parent is in waiting-children, it moves to
  its queue's target list (wait, or paused for a paused BullMQ 5 queue), prioritized or delayed
  (releaseParent, moveParentToWait.lua) with a `waiting` event.

  Reads:  P:Q:id:dependencies, each child's hash, lock, state sets and buckets, recursively
  Writes: P:Q:id:dependencies (SREM), every removed job's keys, state sets, dedup key and its
          queue's events; on release the parent's waiting-children / wait / prioritized /
          delayed (or paused), marker and events.
  Returns { {removed keys, children first}, {top-level removed keys}, {skipped key, reason, ...}, released "1"|"0" }
]]
local parentKey = KEYS[1]
local dryRun = ARGV[1] == "1"
local timestamp = ARGV[2]
useLayouts(ARGV[3])
local depsKey = parentKey .. ":dependencies"

local removed, top, skipped = {}, {}, {}
local toRemove = {}
local function skip(key, reason)
  skipped[#skipped + 1] = key
  skipped[#skipped + 1] = reason
end

for i = 4, #ARGV do
  local child = ARGV[i]
  local queueKey, id = splitKey(child)
  if rcall("SISMEMBER", depsKey, child) == 0 then
    skip(child, "no longer pending in " .. parentKey)
  elseif typeOf(child) ~= "hash" or not queueKey then
    top[#top + 1] = child
    if not dryRun then rcall("SREM", depsKey, child) end
  elseif isActive(child) then
    skip(child, "active (a worker holds it)")
  elseif rcall("ZSCORE", queueKey .. ":failed", id) then
    skip(child, "failed with no policy: it blocks the parent until it is retried or removed")
  elseif rcall("ZSCORE", queueKey .. ":completed", id) then
    skip(child, "completed")
  else
    local activeBelow = findActive(child, {})
    if activeBelow then
      skip(child, "has an active job under it (" .. activeBelow .. "); removing it would orphan that job")
    else
      local subtree = {}
      collectSubtree(child, {}, subtree)
      top[#top + 1] = child
      if not dryRun then rcall("SREM", depsKey, child) end
      for _, key in ipairs(subtree) do
        removed[#removed + 1] = key
        toRemove[#toRemove + 1] = key
      end
    end
  end
end

-- All at once: the lists are searched once for the whole batch.
if not dryRun then removeMany(toRemove) end

local released = "0"
if not dryRun and rcall("SCARD", depsKey) == 0 and rcall("EXISTS", parentKey) == 1 then
  if releaseParent(parentKey, timestamp) then released = "1" end
end
return { removed, top, skipped, released }
