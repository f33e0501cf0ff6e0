-- wrk: POST the example AdmissionReview (keep-alive, one connection per wrk connection).
-- With DELAY_MS set, each connection waits that long between requests: a paced load.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = assert(io.open(os.getenv("REVIEW_FILE") or "examples/admission-review.json", "rb"))
wrk.body = file:read("*a")
file:close()

local pause = tonumber(os.getenv("DELAY_MS") or "0")
if pause > 0 then
  function delay()
    return pause
  end
end
