-- GET `PATH_` with the API token in TOKEN.
local headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN") }
local path = os.getenv("PATH_")
request = function()
  return wrk.format("GET", path, headers)
end
