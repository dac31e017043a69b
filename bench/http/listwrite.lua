-- bench/http/listwrite.lua: the listing read after a write (wrk -s, one
-- connection). Requests alternate: a PATCH of one asset's title (ASSET,
-- from the environment), which moves the listing generation so that the
-- listing cache forgets its pages, then GET /api/v1/assets?limit=100,
-- which reads the page again. The server's CPU per request is the mean
-- of the write and the uncached page. With WRITES_ONLY=1 every request is
-- the write (the "write" target), which tells the two apart.
local n = 0
local asset = os.getenv("ASSET")
local writesOnly = os.getenv("WRITES_ONLY") == "1"
request = function()
  n = n + 1
  if writesOnly or n % 2 == 1 then
    -- wrk.format's headers replace wrk.headers (-H): copy them.
    local h = {["Content-Type"] = "application/json"}
    for k, v in pairs(wrk.headers) do h[k] = v end
    return wrk.format("PATCH", "/api/v1/assets/" .. asset, h, string.format('{"title":"Harbour at dawn %d"}', n))
  end
  return wrk.format("GET", "/api/v1/assets?limit=100")
end
