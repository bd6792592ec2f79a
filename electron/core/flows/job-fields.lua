-- Fields of one job hash for the inspector, each with its length, given whole only when it is at
-- most ARGV[1] bytes: a bigger one stays in Redis (the caller reads its start with a plain HGET,
-- see get-job.ts) so the script never copies a big value (a 20 MB HGET inside Lua took ~50 ms).
-- KEYS[1] is the job hash, ARGV[2..] the fields. Reply: { type } when it is not a hash, else
-- { 'hash', len1, text1, len2, text2, ... }, text false when the field is absent or too big.
local limit = tonumber(ARGV[1])
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind ~= 'hash' then return { kind } end

local reply = { 'hash' }
for i = 2, #ARGV do
  local len = redis.call('HSTRLEN', KEYS[1], ARGV[i])
  local text = false
  if len <= limit and (len > 0 or redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1) then
    text = redis.call('HGET', KEYS[1], ARGV[i])
  end
  reply[#reply + 1] = len
  reply[#reply + 1] = text
end
return reply
