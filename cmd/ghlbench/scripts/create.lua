-- ghlbench create: POST /contacts/ with a unique email each time (from the
-- run's nonce, the thread and a counter), so the duplicate check never
-- refuses: every request is a committed write.

local L = ghlbench
local created = 0

function init(args)
  L.json = L.headers(true)
end

function request()
  created = created + 1
  local body = string.format(
    '{"locationId":"%s","firstName":"Bench","lastName":"Create","email":"create-%s-%d-%d@bench.example.com","source":"ghlbench"}',
    L.location, L.nonce, tid or 1, created)
  return wrk.format("POST", "/contacts/", L.json, body)
end
