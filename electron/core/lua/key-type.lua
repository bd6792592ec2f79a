--[[
  Library (--- @include "key-type"): a key's type as TYPE answers it ("none" when it does not
  exist). The scripts look before they call a command on a key of someone else's making, so a
  key of the wrong type is reported or skipped instead of raising WRONGTYPE, which would abort
  the whole script.
]]
local function keyType(key)
  return redis.call("TYPE", key)["ok"]
end
