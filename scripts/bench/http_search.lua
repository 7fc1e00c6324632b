-- Rotates GET /api/v1/clinics over fixed US query points and filters, so the server cannot answer from one cache line.
local points = {
  "40.75,-73.99", "34.05,-118.24", "41.88,-87.63", "29.76,-95.37", "33.45,-112.07", "39.95,-75.17",
  "32.72,-117.16", "30.27,-97.74", "47.61,-122.33", "39.74,-104.99", "42.36,-71.06", "36.16,-86.78",
  "45.52,-122.68", "35.23,-80.84", "44.98,-93.27", "25.76,-80.19", "38.63,-90.20", "43.05,-87.91",
}
local filters = { "", "&offers=iv_ketamine", "&payment=medicare&telehealth=true", "&radius_km=50" }
local i = 0
request = function()
  i = i + 1
  local path = "/api/v1/clinics?near=" .. points[(i % #points) + 1] .. "&limit=10" .. filters[(i % #filters) + 1]
  return wrk.format("GET", path)
end
