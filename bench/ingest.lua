-- wrk script for bench/ingest.sh: POST a gzip'd IngestBatch to /api/v1/agent/ingest.
--
-- Reads from $BENCH_DIR: agent-keys.txt (one lsa_ key per line) and batch-<n>.json.gz, the
-- batch for agent n (its payload names that agent's asset). Requests go round-robin over the
-- agents; every request carries a unique Idempotency-Key (run id, thread id, counter), so the
-- server stores each one instead of answering "duplicate". The body is fixed per agent: wrk
-- cannot gzip, and the server deduplicates by the header only.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_id", #threads)
end

local function read_file(path)
   local file = assert(io.open(path, "rb"))
   local data = file:read("*a")
   file:close()
   return data
end

function init(args)
   local dir = assert(os.getenv("BENCH_DIR"), "BENCH_DIR is not set")
   run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
   keys, bodies = {}, {}
   for line in io.lines(dir .. "/agent-keys.txt") do
      if line ~= "" then
         table.insert(keys, line)
         table.insert(bodies, read_file(dir .. "/batch-" .. #keys .. ".json.gz"))
      end
   end
   assert(#keys > 0, "no agent keys")
   counter, non2xx, last_status = 0, 0, 0
end

function request()
   counter = counter + 1
   local agent = (counter + thread_id) % #keys + 1
   local headers = {
      ["Content-Type"] = "application/json",
      ["Content-Encoding"] = "gzip",
      ["Authorization"] = "Bearer " .. keys[agent],
      ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, thread_id, counter),
   }
   return wrk.format("POST", "/api/v1/agent/ingest", headers, bodies[agent])
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      last_status = status
   end
end

function done(summary, latency, requests)
   local non2xx_total, status = 0, 0
   for _, thread in ipairs(threads) do
      non2xx_total = non2xx_total + thread:get("non2xx")
      if thread:get("last_status") ~= 0 then status = thread:get("last_status") end
   end
   local errors = summary.errors
   local seconds = summary.duration / 1e6
   -- batches_per_s counts accepted (2xx) batches only: an error answer stores nothing.
   io.write(string.format(
      "BENCH requests=%d seconds=%.2f batches_per_s=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d last_non2xx_status=%d socket_errors=%d\n",
      summary.requests, seconds, (summary.requests - non2xx_total) / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, non2xx_total, status,
      errors.connect + errors.read + errors.write + errors.timeout))
end
