-- bench/http/listwrite.lua: the listing read after a write (wrk -s, one
-- connection). Requests alternate: a PATCH of one asset's title (ASSET,
-- from the environment), which moves the listing generation so that the
-- listing cache forgets its pages, then GET /api/v1/assets?limit=100,
-- which reads the page again. The server's CPU per request is the mean
-- of the write and the uncached page.
local n = 0
local asset = os.getenv("ASSET")
request = function()
  n = n + 1
  if n % 2 == 1 then
    -- wrk.format's headers replace wrk.headers (-H): copy them.
    local h = {["Content-Type"] = "application/json"}
    for k, v in pairs(wrk.headers) do h[k] = v end
    return wrk.format("PATCH", "/api/v1/assets/" .. asset, h, string.format('{"title":"Harbour at dawn %d"}', n))
  end
  return wrk.format("GET", "/api/v1/assets?limit=100")
end
