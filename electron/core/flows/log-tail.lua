-- The last ARGV[1] lines of a job's log list (KEYS[1], `P:Q:id:logs`), each cut at ARGV[2]
-- bytes (ARGV[3] appended to a cut line), and the list's length. Needs utf8-cut.lua ahead of
-- it. Reply: { total, { line, ... } }.
local total = redis.call('LLEN', KEYS[1])
local count = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local lines = {}
if count > 0 and total > 0 then
  lines = redis.call('LRANGE', KEYS[1], -count, -1)
  for i = 1, #lines do
    local line = lines[i]
    if #line > limit then
      lines[i] = utf8Cut(line, limit) .. ARGV[3]
    end
  end
end
return { total, lines }
