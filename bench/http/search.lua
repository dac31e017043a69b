-- bench/http/search.lua: a different search for every request (wrk -s),
-- so that no listing page comes from memory: one of the seeded names
-- (image-NNNNNN.jpg), as someone looking for a file types it.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/api/v1/assets?limit=100&q=image-%06d", math.random(1, 100000)))
end
