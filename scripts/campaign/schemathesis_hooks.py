"""schemathesis hooks for scripts/campaign/schemathesis.sh: real record ids for the staff routes, one staff role per
operation, and a log of every answer.

Without them every generated `{id}` names no record, so the staff routes only ever answer 404 and their handlers,
validation and use cases are never reached. Loaded by schemathesis 4.1.4 through SCHEMATHESIS_HOOKS; the script
passes what they need in the environment:

  KP_ST_BASE_URL  the server under test (loopback)
  KP_ST_TOKENS    a JSON object from role (`prescriber`, `clinic_admin`, `researcher`) to a bearer token
  KP_ST_LOG       a file that gets one line per generated request: METHOD PATH-TEMPLATE STATUS REAL-IDS(0|1)
  KP_ST_ACCOUNTS  the e-mails of the accounts behind KP_ST_TOKENS, comma-separated: their staff records are never
                  offered as ids, so that a generated deactivation or password reset cannot revoke the tokens the
                  run signs in with (every later call would then be a 401)

What they do:

1. After the document is loaded (`after_load_schema`), they create through the API, with the prescriber's token,
   three patients, each with an intake, an assessment, a course, a session (one of them dosed, with an alert), a
   self-report link and a research-consent answer, and then read every GET operation they can fill, harvesting the
   ids of the answers. Nothing here lists today's `{id}` routes: ids are filed under the collection the path names
   (`/api/v1/patients` and `{"patients": [...]}` file patient ids, `.../courses` course ids, a nested `alerts: [...]`
   alert ids with the session they belong to, a `session_id` field a session id), and a path parameter called `id`
   or `*_id` draws from the collection named by the path segment before it, so a new route such as
   `/api/v1/clinic/staff/{id}` gets ids from `GET /api/v1/clinic/staff` without a change here. Answers during the
   run are harvested the same way, so records the run itself creates are used too.
2. `flatmap_case` replaces generated id parameters by real ones in 9 cases of 10, drawn by hypothesis (so the seed
   still decides); the tenth keeps its generated id, and a case whose path parameters were generated to violate the
   schema (negative data) keeps them, so that the `negative_data_rejection` check still means what it says.
3. The auth provider sends each operation's requests with the prescriber's token until one is refused with 403; the
   operation then moves on to the next role (clinic admin, then researcher), and it keeps the first role that is
   not refused. So routes for clinic admins or researchers are exercised with a role that may call them, whatever
   new routes are added; the access matrix test covers every role on every route.
4. `filter_headers` leaves out header values with control characters, which hyper refuses before the
   application (a bare 400 without a body, which no document can describe).
5. `after_call` logs each answer to KP_ST_LOG; `python3 schemathesis_hooks.py summary LOG DOCUMENT` (run by the
   script) prints per operation how many cases got which class of answer and fails when a staff operation never
   got an answer other than 404 or 401, or when any answer was a 5xx.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

ID_PARAMETER = re.compile(r"(^|_)id$")
ROLES = ("prescriber", "clinic_admin", "researcher")
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# The share of cases (out of 10) whose id parameters are replaced by real ids.
REAL_ID_SHARE = 9
# How many ids of one collection the crawl reads per GET operation, so that setup stays short on a large clinic.
CRAWL_IDS = 4


@dataclass
class Known:
    """One real record id and the ids of the records it belongs to (collection name to id)."""

    id: str
    ancestors: dict[str, str] = field(default_factory=dict)


# The accounts the run signs in with (see KP_ST_ACCOUNTS).
OWN_ACCOUNTS = {e.strip() for e in os.environ.get("KP_ST_ACCOUNTS", "").split(",") if e.strip()}


class Pools:
    """Real ids by collection name (the path segment that names them, e.g. `patients`), in the order found."""

    def __init__(self) -> None:
        self.by_collection: dict[str, list[Known]] = defaultdict(list)
        self.seen: set[tuple[str, str]] = set()
        self.all_ids: set[str] = set()

    def add(self, collection: str, value: object, ancestors: dict[str, str]) -> None:
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            return
        value = str(value)
        key = (collection, value)
        if key in self.seen:
            return
        self.seen.add(key)
        self.all_ids.add(value)
        self.by_collection[collection].append(Known(value, dict(ancestors)))

    def harvest(self, template: str, path_values: dict[str, str], body: object) -> None:
        """Files every id in an answer to `template` (filled with `path_values`) under its collection."""
        segments = template.strip("/").split("/")
        ancestors = {}
        for index, segment in enumerate(segments):
            name = parameter_name(segment)
            if name is not None and index > 0 and name in path_values:
                ancestors[segments[index - 1]] = str(path_values[name])
        last = segments[-1]
        collection = segments[-2] if parameter_name(last) is not None and len(segments) > 1 else last
        if isinstance(body, list):
            self._list(collection, body, ancestors)
        elif isinstance(body, dict) and "id" in body:
            self._record(collection, body, ancestors)
        elif isinstance(body, dict):
            # A collection answer such as {"patients": [...]} or {"items": [...]}: its lists name their records.
            self._walk(body, ancestors, collection)

    def _record(self, collection: str, item: dict, ancestors: dict[str, str]) -> None:
        """One record: its id, then what it holds, which belongs to it. The run's own accounts are left out."""
        if item.get("email") in OWN_ACCOUNTS:
            return
        self.add(collection, item["id"], ancestors)
        inner = dict(ancestors)
        if isinstance(item["id"], (str, int)):
            inner[collection] = str(item["id"])
        self._walk(item, inner)

    def _list(self, collection: str, items: list, ancestors: dict[str, str]) -> None:
        for item in items:
            if isinstance(item, dict) and "id" in item:
                self._record(collection, item, ancestors)

    def _walk(self, node: dict, ancestors: dict[str, str], collection: str | None = None) -> None:
        """Nested records (`alerts: [{id}]`) and references (`session_id`) inside one record; in a collection
        answer, a generic list key (`items`) names the path's collection."""
        for key, value in node.items():
            if key.endswith("_id") and isinstance(value, (str, int)) and not isinstance(value, bool):
                self.add(key[: -len("_id")] + "s", value, {})
            elif isinstance(value, list):
                generic = collection is not None and key in ("items", "data", "results")
                self._list(collection if generic else key, value, ancestors)
            elif isinstance(value, dict):
                if "id" in value:
                    self.add(key + "s" if not key.endswith("s") else key, value["id"], ancestors)
                self._walk(value, ancestors)

    def fill(self, template: str, current: dict, draw: int) -> dict | None:
        """`current` with its id parameters replaced by real ids that belong together, or None when none is known."""
        segments = template.strip("/").split("/")
        params = [(i, parameter_name(s)) for i, s in enumerate(segments) if parameter_name(s) is not None]
        chosen: dict[str, str] = {}
        # The last parameter first: a nested record (an alert) decides the record it belongs to (its session).
        for index, name in reversed(params):
            if name in chosen or not ID_PARAMETER.search(name) or index == 0:
                continue
            constraints = {segments[j - 1]: chosen[n] for j, n in params if n in chosen and j > 0}
            candidates = [
                known
                for known in self.by_collection.get(segments[index - 1], [])
                if all(known.ancestors.get(c, v) == v for c, v in constraints.items())
            ]
            if not candidates:
                continue
            known = candidates[draw % len(candidates)]
            chosen[name] = known.id
            for j, other in params:
                if j < index and j > 0 and other not in chosen and segments[j - 1] in known.ancestors:
                    chosen[other] = known.ancestors[segments[j - 1]]
        if not chosen:
            return None
        return {**current, **chosen}


def parameter_name(segment: str) -> str | None:
    if segment.startswith("{") and segment.endswith("}"):
        return segment[1:-1]
    return None


def has_id_parameter(template: str) -> bool:
    return any(
        (name := parameter_name(segment)) is not None and ID_PARAMETER.search(name)
        for segment in template.split("/")
    )


POOLS = Pools()
# The role each operation ("METHOD /path") is called with, and the operations whose role is settled.
ROLE_OF: dict[str, str] = {}
SETTLED: set[str] = set()


def operation_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def role_of(key: str) -> str:
    return ROLE_OF.get(key, ROLES[0])


def learn_role(key: str, status: int) -> None:
    """A 403 moves an unsettled operation to the next role; any other answer settles the role it was sent with."""
    if key in SETTLED:
        return
    if status == 403:
        ROLE_OF[key] = ROLES[(ROLES.index(role_of(key)) + 1) % len(ROLES)]
    else:
        SETTLED.add(key)


def log_answer(method: str, template: str, status: int, real: bool) -> None:
    path = os.environ.get("KP_ST_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{method.upper()} {template} {status} {int(real)}\n")


# ---- Setup: records created through the API before the run, then a crawl of every GET operation. ----


class Setup:
    def __init__(self, base_url: str, tokens: dict[str, str]) -> None:
        import requests

        self.session = requests.Session()
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens

    def call(self, method: str, template: str, values: dict, body: object = None, role: str = "prescriber"):
        path = template
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        response = self.session.request(method, self.base_url + path, json=body, headers=headers, timeout=30)
        try:
            document = response.json()
        except ValueError:
            document = None
        if response.status_code < 300 and document is not None:
            POOLS.harvest(template, values, document)
        # A read that is refused is expected (a route that needs a query, an IV session's REMS form); a refused
        # write means the setup no longer matches the API, and a 5xx is always worth seeing.
        if response.status_code >= 500 or (response.status_code >= 400 and method != "GET"):
            print(f"setup: {method} {path} answered {response.status_code}: {response.text[:200]}", file=sys.stderr)
        return response.status_code, document

    def create_records(self, paths: dict) -> None:
        """Three patients with a care history through the API, each step skipped when its route is gone."""
        from datetime import datetime, timedelta, timezone

        now = datetime.now(timezone.utc)
        past = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        hour_ago = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

        def has(method: str, template: str) -> bool:
            return method.lower() in paths.get(template, {})

        for number, modality in enumerate(("esketamine_nasal", "esketamine_nasal", "iv_ketamine")):
            if not has("post", "/api/v1/patients"):
                return
            status, patient = self.call(
                "POST",
                "/api/v1/patients",
                {},
                {"given_name": f"Fuzz{number}", "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"},
            )
            if status != 201 or not isinstance(patient, dict):
                return
            p = {"id": patient["id"]}
            steps = [
                ("put", "/api/v1/patients/{id}/intake", {
                    "trials": [{"drug": "sertraline", "dose_mg_per_day": 150, "weeks": 10, "improvement": "none"}],
                    "episode_months": 18, "severity": "moderate", "conditions": [], "rems_enrolled": True,
                    "pregnancy_potential": False,
                    "concomitant_medications": {"benzodiazepines": False, "non_benzodiazepine_sedative_hypnotics": False,
                                                "psychostimulants": False, "maois": False,
                                                "respiratory_depressants": False}}),
                ("post", "/api/v1/patients/{id}/assessments",
                 {"instrument": "phq9", "items": [2, 2, 3, 2, 2, 1, 2, 2, 1], "context": "baseline", "taken_at": past}),
                ("post", "/api/v1/patients/{id}/courses",
                 {"modality": modality, "start_date": now.strftime("%Y-%m-%d")}),
                ("post", "/api/v1/patients/{id}/self-report-links", {"instrument": "phq9", "expires_in_hours": 24}),
                ("put", "/api/v1/patients/{id}/research-consent", {"status": "given", "date": now.strftime("%Y-%m-%d")}),
            ]
            for method, template, body in steps:
                if has(method, template):
                    self.call(method.upper(), template, p, body)
            if not has("post", "/api/v1/patients/{id}/sessions"):
                continue
            status, started = self.call("POST", "/api/v1/patients/{id}/sessions", p, {"modality": modality})
            if status != 201 or not isinstance(started, dict) or number == 0:
                # The first patient's session stays as started, for the routes that need an undosed session.
                continue
            s = {"id": started["id"]}
            checks = {"last_food_at": past, "last_liquid_at": hour_ago, "transport_home_arranged": True,
                      "blood_pressure": {"systolic": 128, "diastolic": 82}}
            self.call("POST", "/api/v1/sessions/{id}/pre-checks", s, checks)
            dose = {"dose_mg": 56, "lot": "AB123"} if modality == "esketamine_nasal" else {"dose_mg": 35, "lot": "L1"}
            self.call("POST", "/api/v1/sessions/{id}/dose", s, dose)
            # A blood pressure above the gate raises an alert, for the acknowledge route.
            self.call("POST", "/api/v1/sessions/{id}/observations", s,
                      {"systolic": 150, "diastolic": 95, "heart_rate": 84, "spo2": 97, "moaas": 4})

    def crawl(self, paths: dict) -> None:
        """Reads every GET operation whose parameters can be filled, twice, harvesting the ids of its answers."""
        for _ in range(2):
            for template, item in paths.items():
                if "get" not in item or template == "/api/openapi.json":
                    continue
                names = [n for n in (parameter_name(s) for s in template.split("/")) if n is not None]
                for draw in range(CRAWL_IDS if names else 1):
                    values = POOLS.fill(template, {}, draw) if names else {}
                    if values is None or any(name not in values for name in names):
                        break
                    self.read(template, values)

    def read(self, template: str, values: dict) -> None:
        """One GET, with the operation's role (learned as in the run: the next role after a 403)."""
        key = operation_key("get", template)
        for _ in ROLES:
            role = role_of(key)
            if role not in self.tokens:
                return
            status, _document = self.call("GET", template, values, role=role)
            learn_role(key, status)
            if key in SETTLED:
                return


def run_setup(raw_schema: dict) -> None:
    base_url = os.environ.get("KP_ST_BASE_URL")
    tokens = json.loads(os.environ.get("KP_ST_TOKENS", "{}"))
    if not base_url or "prescriber" not in tokens:
        print("schemathesis hooks: KP_ST_BASE_URL and KP_ST_TOKENS are not set; no real ids", file=sys.stderr)
        return
    setup = Setup(base_url, tokens)
    paths = raw_schema.get("paths", {})
    setup.create_records(paths)
    setup.crawl(paths)
    found = ", ".join(f"{name} {len(ids)}" for name, ids in sorted(POOLS.by_collection.items()))
    print(f"schemathesis hooks: real ids found: {found}", file=sys.stderr)


# ---- The hooks (imported only under schemathesis; the summary below runs without it). ----

try:
    import schemathesis
    from hypothesis import strategies as st
    from schemathesis.generation.meta import ComponentKind
except ImportError:  # The summary is run by plain python3.
    schemathesis = None

if schemathesis is not None:

    @schemathesis.hook
    def after_load_schema(context, schema) -> None:
        run_setup(schema.raw_schema)

    @schemathesis.hook
    def flatmap_case(context, case):
        template = case.operation.path
        if not has_id_parameter(template):
            return st.just(case)
        meta = getattr(case, "meta", None)
        component = meta.components.get(ComponentKind.PATH_PARAMETERS) if meta is not None else None
        if component is not None and component.mode.is_negative:
            return st.just(case)

        def substitute(choice: tuple[int, int]):
            share, draw = choice
            if share >= REAL_ID_SHARE:
                return case
            filled = POOLS.fill(template, dict(case.path_parameters or {}), draw)
            if filled is not None:
                case.path_parameters = filled
            return case

        return st.tuples(st.integers(0, 9), st.integers(0, 1 << 16)).map(substitute)

    @schemathesis.hook
    def filter_headers(context, headers) -> bool:
        """Leaves out generated header values with control characters (DEL, NUL, ...): RFC 9110 does not allow them,
        and hyper refuses such a request with a bare 400 before the application sees it (HTTP framing, not an
        answer of the API, so it cannot match the document)."""
        return not any(
            any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in str(value))
            for value in (headers or {}).values()
        )

    @schemathesis.auth(refresh_interval=None)
    class StaffRoles:
        """The bearer token of the role the operation is called with (see `learn_role`)."""

        def __init__(self) -> None:
            self.tokens = json.loads(os.environ.get("KP_ST_TOKENS", "{}"))

        def get(self, case, context):
            role = role_of(operation_key(case.operation.method, case.operation.path))
            return self.tokens.get(role)

        def set(self, case, data, context) -> None:
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"

    @schemathesis.hook
    def after_call(context, case, response) -> None:
        key = operation_key(case.operation.method, case.operation.path)
        learn_role(key, response.status_code)
        real = bool(case.path_parameters) and any(
            str(value) in POOLS.all_ids for value in (case.path_parameters or {}).values()
        )
        log_answer(case.operation.method, case.operation.path, response.status_code, real)
        try:
            document = response.json()
        except Exception:
            document = None
        if response.status_code < 300 and document is not None:
            POOLS.harvest(case.operation.path, dict(case.path_parameters or {}), document)


# ---- The summary: per operation answers, and the campaign's verdict. ----


def summary(log_path: str, document_path: str) -> int:
    with open(document_path, encoding="utf-8") as f:
        document = json.load(f)
    operations = []
    for template, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            security = operation.get("security", document.get("security", []))
            staff = bool(security) and all(requirement for requirement in security)
            operations.append((operation_key(method, template), staff))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    try:
        with open(log_path, encoding="utf-8") as log:
            for line in log:
                method, template, status, real = line.split()
                answers = counts[operation_key(method, template)]
                code = int(status)
                answers["cases"] += 1
                answers["real ids"] += int(real)
                if code >= 500:
                    answers["5xx"] += 1
                elif code in (401, 403, 404):
                    answers[str(code)] += 1
                else:
                    answers[f"{code // 100}xx"] += 1
    except FileNotFoundError:
        pass
    columns = ["cases", "real ids", "2xx", "3xx", "4xx", "401", "403", "404", "5xx"]
    width = max(len(key) for key, _ in operations) if operations else 10
    print(f"{'operation':<{width}}  staff  " + "  ".join(f"{c:>8}" for c in columns))
    failures = []
    for key, staff in operations:
        answers = counts.get(key, {})
        print(f"{key:<{width}}  {'yes' if staff else 'no ':>5}  " + "  ".join(f"{answers.get(c, 0):>8}" for c in columns))
        if answers.get("5xx", 0):
            failures.append(f"{key}: {answers['5xx']} answers were 5xx")
        reached = answers.get("cases", 0) - answers.get("404", 0) - answers.get("401", 0)
        if staff and reached == 0:
            failures.append(f"{key}: a staff operation that never got an answer other than 404 or 401")
    total = sum(answers.get("cases", 0) for answers in counts.values())
    real = sum(answers.get("real ids", 0) for answers in counts.values())
    staff_count = sum(1 for _, staff in operations if staff)
    print(f"{len(operations)} operations ({staff_count} staff), {total} logged cases, {real} of them with real ids")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "summary":
        sys.exit(summary(sys.argv[2], sys.argv[3]))
    print("usage: schemathesis_hooks.py summary LOG DOCUMENT", file=sys.stderr)
    sys.exit(2)
