--[[
  One page of one child bucket of a parent (Job.getDependencies with a cursor, for one bucket).

  KEYS[1]  the parent job key P:Q:id
  ARGV[1]  bucket: processed | unprocessed | failed | ignored
  ARGV[2]  cursor ("0" = first page)
  ARGV[3]  page size

  Reads the bucket key through listBucket (list-bucket.lua); writes nothing.
  Reply: { total, nextCursor ("0" = no more), {childKey...}, error or false }
]]
--- @include "list-bucket"
local bucket = ARGV[1]
if not BUCKET_SUFFIX[bucket] then
  return { 0, "0", {}, "unknown bucket " .. tostring(bucket) }
end
local total, cursor, keys, err = listBucket(KEYS[1], bucket, ARGV[2], tonumber(ARGV[3]) or 0)
return { total, cursor, keys, err or false }
