-- wrk script for bench/server/run.sh. MODE picks the request: recommend, explain, history or
-- feedback (FEEDBACK names a file of "requestId item" lines to reward, one per request, in
-- order). THINK_MS, when set, makes each connection wait a random time of that mean between
-- requests (an application's pace) instead of sending the next one at once.
local mode = os.getenv("MODE") or "recommend"
local think = tonumber(os.getenv("THINK_MS") or "")
local users = 943
local items = 1682
local pairs = {}
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

init = function(args)
  if mode == "feedback" then
    for line in io.lines(os.getenv("FEEDBACK")) do
      local request, item = line:match("^(%S+) (%S+)$")
      pairs[#pairs + 1] = '{"requestId": "' .. request .. '", "item": "' .. item .. '", "reward": 1}'
    end
  end
  math.randomseed(7)
end

request = function()
  n = n + 1
  local user = (n * 7919) % users + 1
  if mode == "feedback" then
    return wrk.format(nil, "/v1/feedback", nil, pairs[(n - 1) % #pairs + 1])
  elseif mode == "explain" then
    return wrk.format(nil, "/v1/recommend", nil, '{"user": "' .. user .. '", "explain": true}')
  elseif mode == "history" then
    local liked = {}
    for k = 1, 5 do
      liked[k] = '{"item": "' .. ((n * 31 + k * 97) % items + 1) .. '", "rating": 5}'
    end
    return wrk.format(nil, "/v1/recommend", nil,
      '{"user": "new-' .. n .. '", "history": [' .. table.concat(liked, ", ") .. ']}')
  end
  return wrk.format(nil, "/v1/recommend", nil, '{"user": "' .. user .. '"}')
end

if think then
  delay = function()
    return -think * math.log(1 - math.random())
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, errors, summary.requests))
end
