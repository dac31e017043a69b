-- bench/http/search.lua: a different search for every request (wrk -s),
-- so that no listing page comes from memory: the text matches the seeded
-- names (image-NNNNNN.jpg) broadly, the size bound varies.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/api/v1/assets?limit=100&q=image&min_size=%d", math.random(1, 100000)))
end
