-- GET `PATH_` as many signed-in people at once: each request carries the next of the
-- session cookies in COOKIES (space-separated), so 20 connections are 20 staff members
-- each reading their own community's dashboard.
local cookies = {}
for c in string.gmatch(os.getenv("COOKIES") or "", "%S+") do
  cookies[#cookies + 1] = c
end
local path = os.getenv("PATH_")
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", path, { ["Cookie"] = cookies[(n % #cookies) + 1] })
end
