-- ghlbench mixed: 70% reads and 30% writes, in a fixed cycle of 20 requests.
--
-- Reads (14): GET contact (4), list tasks (3), list notes (3), get task (2),
-- get note (2), of the named contacts ghlbench.a and ghlbench.b.
-- Writes (6): create contact (2, a unique email from the run's nonce, the
-- thread and a counter, so the duplicate check never refuses), update
-- contact (2), create task (1), update note (1).
--
-- Tasks are created on ghlbench.pool (generated contacts the reads never
-- list), so the task lists read stay the same size through the run.

local L = ghlbench
local slots = {}
local n, created, tasks = 0, 0, 0

local function createContact()
  created = created + 1
  local body = string.format(
    '{"locationId":"%s","firstName":"Bench","lastName":"Mark","email":"bench-%s-%d-%d@bench.example.com","tags":["bench"],"source":"ghlbench"}',
    L.location, L.nonce, tid or 1, created)
  return wrk.format("POST", "/contacts/", L.json, body)
end

local function createTask()
  tasks = tasks + 1
  local id = L.pool[(tasks % #L.pool) + 1]
  local body = string.format('{"title":"Bench task %d","dueDate":"2030-01-01T10:00:00Z","completed":false}', tasks)
  return wrk.format("POST", "/contacts/" .. id .. "/tasks", L.json, body)
end

function init(args)
  L.get, L.json = L.headers(false), L.headers(true)
  local a, b = L.a, L.b
  local function get(path) return wrk.format("GET", path, L.get, nil) end
  local function put(path, body) return wrk.format("PUT", path, L.json, body) end
  slots = {
    get("/contacts/" .. a.id),
    get("/contacts/" .. a.id .. "/tasks"),
    createContact,
    get("/contacts/" .. b.id .. "/notes"),
    get("/contacts/" .. b.id),
    put("/contacts/" .. a.id, '{"city":"London"}'),
    get("/contacts/" .. a.id .. "/tasks/" .. a.task),
    get("/contacts/" .. b.id .. "/tasks"),
    get("/contacts/" .. a.id .. "/notes/" .. a.note),
    createTask,
    get("/contacts/" .. a.id),
    get("/contacts/" .. a.id .. "/notes"),
    put("/contacts/" .. b.id, '{"city":"Cambridge","companyName":"Difference Engine Works"}'),
    get("/contacts/" .. b.id .. "/tasks/" .. b.task),
    get("/contacts/" .. b.id),
    createContact,
    get("/contacts/" .. a.id .. "/tasks"),
    get("/contacts/" .. b.id .. "/notes/" .. b.note),
    put("/contacts/" .. a.id .. "/notes/" .. a.note, '{"body":"Prefers mornings"}'),
    get("/contacts/" .. a.id .. "/notes"),
  }
  n = ((tid or 1) - 1) * 7
end

function request()
  n = n + 1
  local s = slots[(n % #slots) + 1]
  if type(s) == "function" then
    return s()
  end
  return s
end
