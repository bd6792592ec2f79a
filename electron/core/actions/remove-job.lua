--[[
  Removes one job with its whole subtree (the everyday "remove job"), mirroring removeJob-2.lua
  (Job.remove({ removeChildren: true })). With ARGV[1] = "1" it only reports what it would do.

  KEYS[1]  job key P:Q:id
  ARGV[1]  "1" dry run
  ARGV[2]  timestamp in ms (for a delayed parent's release)
  ARGV[3]  JSON object: queue key -> BullMQ layout "5" | "6" | "?" (queue-meta.lua targetList)
  ARGV[4]  JSON array: failed remove-policy jobs found under the job (everyday-actions.ts, by the
           remove-policy search). BullMQ keeps them in no bucket, so the walk of the buckets
           cannot reach them; each one whose parentKey names a job of the subtree (checked here)
           is removed with its own subtree, before the jobs of the walk (children first).

  The walk never goes into the job's ancestors (by parentKey), whatever a bucket under it lists.
  As BullMQ: refused while the job or any job under it is locked (isLocked.lua, here over every
  bucket), refused for the current delayed job of a job scheduler (isJobSchedulerJob.lua, -8);
  the job leaves its parent's :dependencies and, if that empties them while the parent is in
  waiting-children, the parent is released as moveParentToWait.lua does (remove-subtree.lua
  releaseParent; removeParentDependencyKey.lua's plain RPUSH ignores priority and delay). The
  parent's other buckets keep their entry for it, as in BullMQ.

  Reads/writes: as remove-subtree.lua, plus the parent's :dependencies and state sets.
  Returns { "ok", {removed keys, children first}, releasedParentKey or "" }
          or { "missing" } / { "scheduler" } / { "active", key }
]]
--- @include "remove-subtree"
local key = KEYS[1]
local dryRun = ARGV[1] == "1"
local timestamp = ARGV[2]
useLayouts(ARGV[3])

if keyType(key) ~= "hash" then return { "missing" } end
local queueKey, id = splitKey(key)
local rjk = rcall("HGET", key, "rjk")
if rjk then
  local prevMillis = rcall("ZSCORE", queueKey .. ":repeat", rjk)
  if prevMillis and id == "repeat:" .. rjk .. ":" .. prevMillis then return { "scheduler" } end
end
-- The walk never enters the job's ancestors (a bucket under it listing one of them is data
-- BullMQ never writes): they stay, as in the preview.
local above = ancestorsOf(key)
above[key] = nil
local activeKey = findActive(key, fenced(above))
if activeKey then return { "active", activeKey } end

local seen = fenced(above)
local walked = {}
collectSubtree(key, seen, walked)
local inSubtree = {}
for _, k in ipairs(walked) do inSubtree[k] = true end

-- The remove-policy failures under the subtree, as many rounds as they nest.
local removed = {}
local activeUnder = collectRemovedFailures(cjson.decode(ARGV[4] or "[]"), seen, inSubtree, removed)
if activeUnder then return { "active", activeUnder } end
for _, k in ipairs(walked) do removed[#removed + 1] = k end

local released = ""
local parentKey = rcall("HGET", key, "parentKey")
if parentKey and parentKey ~= "" and rcall("EXISTS", parentKey) == 1 then
  local depsKey = parentKey .. ":dependencies"
  if rcall("SISMEMBER", depsKey, key) == 1 then
    local parentQueueKey, parentId = splitKey(parentKey)
    local releases = rcall("SCARD", depsKey) == 1 and rcall("ZSCORE", parentQueueKey .. ":waiting-children", parentId)
    if not dryRun then
      rcall("SREM", depsKey, key)
      if rcall("SCARD", depsKey) == 0 and releaseParent(parentKey, timestamp) then released = parentKey end
    elseif releases then
      released = parentKey
    end
  end
end
if not dryRun then
  removeMany(removed)
end
return { "ok", removed, released }
