--[[
  Part (passed ahead of job-fields.lua and log-tail.lua): the first n bytes of s, ending on a
  UTF-8 character boundary (never just before a continuation byte 10xxxxxx), so a cut value
  is still valid text.
]]
local function utf8Cut(s, n)
  if #s <= n then return s end
  local e = n
  while e > 0 do
    local b = string.byte(s, e + 1)
    if b < 128 or b >= 192 then break end
    e = e - 1
  end
  return string.sub(s, 1, e)
end
