-- The bare route through the same Lua request() hook as the search script, so wrk spends the same per-request
-- client work on both sides of the comparison (on a 2-core machine the client shares the CPU with the server).
request = function()
  return wrk.format("GET", "/json")
end
