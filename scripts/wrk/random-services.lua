-- A different service page on each request (ids 1..100,000 of the generated city), so
-- that almost every page misses the page cache: what rendering costs.
math.randomseed(1)
request = function()
  return wrk.format(nil, "/services/" .. math.random(1, 100000))
end
