-- ghlbench cycle: sends ghlbench.requests ({method, path, body or nil}) in
-- turn, each thread from its own offset. One request is sent as wrk's static
-- request, with no Lua call per request (as plain `wrk URL` would); several
-- are formatted once in init and cycled.

local reqs = ghlbench.requests

if #reqs == 1 then
  local r = reqs[1]
  wrk.method = r[1]
  wrk.path = r[2]
  wrk.body = r[3]
  wrk.headers = ghlbench.headers(r[3] ~= nil)
else
  local formatted = {}
  local i = 0

  function init(args)
    local get, json = ghlbench.headers(false), ghlbench.headers(true)
    for k, r in ipairs(reqs) do
      if r[3] ~= nil then
        formatted[k] = wrk.format(r[1], r[2], json, r[3])
      else
        formatted[k] = wrk.format(r[1], r[2], get, nil)
      end
    end
    i = ((tid or 1) - 1) * 7
  end

  function request()
    i = i + 1
    return formatted[(i % #formatted) + 1]
  end
end
