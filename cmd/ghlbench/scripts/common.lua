-- ghlbench: the part every scenario shares. The driver prepends a generated
-- table `ghlbench` (token, version, nonce, requests, ids) and appends the
-- scenario's own script.
--
-- setup runs in wrk's main Lua state, once per thread, and gives each thread
-- a number (the global `tid` in that thread's state); done prints one line,
-- GHLBENCH {...}, that the driver parses.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

-- Header tables for requests without and with a JSON body. wrk.format adds
-- Host and Content-Length to the table it is given, so each kind has its own.
function ghlbench.headers(json)
  local h = {
    ["Authorization"] = "Bearer " .. ghlbench.token,
    ["Version"] = ghlbench.version,
  }
  if json then
    h["Content-Type"] = "application/json"
  end
  return h
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'GHLBENCH {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
