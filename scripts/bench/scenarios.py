"""Writes the one-step scenarios of scripts/bench.sh beside the kit's own
(../shared/bench/make_scenarios.py writes the full loop and the task hall):

  healthz.json     GET /healthz, no database: the yardstick of the run
  categories.json  GET /api/v1/categories, no authentication (reference data)
  me.json          GET /api/v1/me as one of the members (authentication + the account)
  logins.json      POST /api/v1/auth/login with the members' real passwords (argon2id)
  board.json       GET /api/v1/honor-board (光荣榜, this month's points, top 50) as a member
  candidates.json  GET /api/v1/requests/{{rid}}/candidates as the admin (rid: --var rid=…)

Usage: scenarios.py TOKENS.json DIR [PHONE_PREFIX]
TOKENS.json is what ../shared/bench/setup_accounts.py wrote; the members'
phones follow its numbering (PREFIX + "1" + seven digits, password linli-bench-1).
"""
import json
import sys

tokens = json.load(open(sys.argv[1]))
out = sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else "150"
members = tokens["mem"]


def write(name, title, step, pools=None):
    json.dump({"name": title, "vars": {}, "pools": pools or {}, "setup": [], "flow": [step]},
              open(f"{out}/{name}.json", "w"), ensure_ascii=False)


write("healthz", "health check", {"name": "healthz", "method": "GET", "path": "/healthz", "expect": [200]})
write("categories", "categories", {"name": "categories", "method": "GET", "path": "/api/v1/categories", "expect": [200]})
write("me", "me", {"name": "me", "method": "GET", "path": "/api/v1/me",
                   "headers": {"authorization": "Bearer {{pool.mem}}"}, "expect": [200]}, {"mem": members})
phones = [f"{prefix}1{i:07d}" for i in range(len(members))]
write("logins", "logins", {"name": "login", "method": "POST", "path": "/api/v1/auth/login",
                           "json": {"phone": "{{pool.phone}}", "password": "linli-bench-1"},
                           "expect": [200]}, {"phone": phones})
write("board", "honor board", {"name": "board", "method": "GET",
                               "path": "/api/v1/honor-board?period=month&metric=points&limit=50",
                               "headers": {"authorization": "Bearer {{pool.mem}}"}, "expect": [200]}, {"mem": members})
json.dump({"name": "candidates", "vars": {"admin": tokens["admin"]}, "pools": {}, "setup": [], "flow": [
    {"name": "candidates", "method": "GET", "path": "/api/v1/requests/{{rid}}/candidates",
     "headers": {"authorization": "Bearer {{admin}}"}, "expect": [200]}]},
          open(f"{out}/candidates.json", "w"), ensure_ascii=False)
