-- The home page from a different position on each request (a 0.001° grid over the middle
-- of the generated city: 14,641 positions), so that almost every page misses the cache.
math.randomseed(2)
request = function()
  local lat = 30.60 + math.random(0, 120) / 1000
  local lon = 104.00 + math.random(0, 120) / 1000
  return wrk.format(nil, string.format("/?lat=%.3f&lon=%.3f", lat, lon))
end
