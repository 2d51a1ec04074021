-- A different service page on each request, so that almost every page misses the page
-- cache: what rendering costs. The ids come from the file named by SHOWN_SERVICES (one id
-- a line: the offerings residents can see; bench.sh writes it), else 1..100,000 of the
-- generated city, about a tenth of which belong to unverified organizations (404).
math.randomseed(1)
local ids = {}
local listed = os.getenv("SHOWN_SERVICES")
if listed then
  for line in io.lines(listed) do ids[#ids + 1] = line end
end
request = function()
  local id = #ids > 0 and ids[math.random(1, #ids)] or math.random(1, 100000)
  return wrk.format(nil, "/services/" .. id)
end
