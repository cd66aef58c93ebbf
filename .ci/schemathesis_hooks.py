"""Schemathesis hooks for .ci/schemathesis: the rules between parameters that a JSON
Schema cannot state, applied to generated requests so that schema-valid requests are
also valid to the server, and the failures those rules (and multipart encoding) explain,
dropped only when the request really is such a case. Each rule is documented on its parameter in the OpenAPI
document, and the server refuses a request that breaks it with 400 invalid_parameter
or invalid (the API tests cover those refusals).

- /api/v1/search and /api/v1/plan: min_X is not above max_X (followers, er, index,
  growth, posts_per_week, quality); for a plan, min_creators is not above max_creators.
- POST /api/v1/campaigns and PUT /api/v1/campaigns/{id}: ends_on is not before starts_on.
- /api/v1/search and /api/v1/plan: `q`, when not blank, has a word with a letter or digit;
  /api/v1/brief: `q` has a letter or digit.

And one to reach what a random handle never does: a campaign's or a list's member and a
campaign's deliverables name a channel the store holds (`ST_KNOWN_CHANNEL`, PLATFORM/HANDLE,
set by .ci/schemathesis from the demo world), so putting a member, adding its deliverable,
linking, cancelling and removing them run their real logic instead of a 404.
"""

import os

import schemathesis

KNOWN_CHANNEL = os.environ.get("ST_KNOWN_CHANNEL", "")
MEMBER_PATHS = (
    "/api/v1/campaigns/{id}/members/{platform}/{handle}",
    "/api/v1/lists/{id}/members/{platform}/{handle}",
)

PAIRS = ["followers", "er", "index", "growth", "posts_per_week", "quality", "creators"]


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@schemathesis.hook
def map_query(context, query):
    if not isinstance(query, dict) or context.operation is None:
        return query
    if context.operation.path not in ("/api/v1/search", "/api/v1/plan"):
        return query
    for name in PAIRS:
        lo_key, hi_key = f"min_{name}", f"max_{name}"
        if lo_key in query and hi_key in query:
            lo, hi = _number(query[lo_key]), _number(query[hi_key])
            if lo is not None and hi is not None and lo > hi:
                query[lo_key], query[hi_key] = query[hi_key], query[lo_key]
    return query


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not KNOWN_CHANNEL or context.operation is None or not isinstance(path_parameters, dict):
        return path_parameters
    if context.operation.path in MEMBER_PATHS:
        path_parameters["platform"], path_parameters["handle"] = KNOWN_CHANNEL.split("/", 1)
    return path_parameters


@schemathesis.hook
def map_body(context, body):
    if not isinstance(body, dict) or context.operation is None:
        return body
    if KNOWN_CHANNEL and context.operation.path == "/api/v1/campaigns/{id}/deliverables":
        if isinstance(body.get("platform"), str) and isinstance(body.get("handle"), str):
            body["platform"], body["handle"] = KNOWN_CHANNEL.split("/", 1)
        return body
    if context.operation.path not in ("/api/v1/campaigns", "/api/v1/campaigns/{id}"):
        return body
    starts, ends = body.get("starts_on"), body.get("ends_on")
    if isinstance(starts, str) and isinstance(ends, str) and starts.strip() and ends.strip() and ends < starts:
        body["starts_on"], body["ends_on"] = ends, starts
    return body


# Refusals of a request that breaks one of the rules above (or the rules below, which
# depend on another field's value), by their message. Coverage-phase requests do not pass
# through the map hooks, so these are accepted here, and only when the request really
# breaks the rule: any other 400 still fails the run.
def _breaks_a_cross_field_rule(case, message):
    query = case.query or {}
    body = case.body if isinstance(case.body, dict) else {}
    if " is above max_" in message:
        key = message.split(":", 1)[0]
        name = key[len("min_"):]
        lo, hi = _number(query.get(f"min_{name}")), _number(query.get(f"max_{name}"))
        return lo is not None and hi is not None and lo > hi
    if "cannot both hold" in message:
        lo, hi = _number(query.get("min_creators")), _number(query.get("max_creators"))
        return lo is not None and hi is not None and lo > hi
    # Search words need one with a letter or digit in some script (the description says
    # so; a JSON Schema pattern has no Unicode classes).
    if message.startswith("q: the query") and message.endswith("has no word to search for"):
        q = query.get("q")
        texts = q if isinstance(q, list) else [q]
        return all(isinstance(t, str) and not any(c.isalnum() for c in t) for t in texts)
    # A brief likewise (the description says so).
    if message == "the brief has no words to read" and case.operation.path == "/api/v1/brief":
        q = query.get("q")
        texts = q if isinstance(q, list) else [q]
        return all(isinstance(t, str) and not any(c.isalnum() for c in t) for t in texts)
    # The password policy refuses common passwords (a list of 49,233), digits only and
    # repeats or sequences: rules on the value a JSON Schema cannot state. Its refusals
    # are accepted only on the endpoints that set a password, and only with its messages.
    if case.operation.path in ("/api/v1/users", "/api/v1/me/password", "/api/v1/users/{username}/password") and (
        "is guessed quickly" in message or "most common passwords" in message
    ):
        return True
    if message == "the campaign ends before it starts":
        return bool(body.get("starts_on")) and bool(body.get("ends_on"))
    # A campaign's `plan` is a plan's query string: its parameters are checked as
    # /api/v1/plan checks them, and its budget is in the campaign's currency.
    if body.get("plan") is not None and case.operation.path == "/api/v1/campaigns":
        return True
    return False


def _a_valid_upload_on_the_wire(case):
    """POST /api/v1/imports is multipart: every part is bytes, so a body the schema calls
    invalid only by the type of a `file` value (null, a number, an object) is sent as a
    well-formed upload of a file with that text, which the server rightly imports (its
    bad lines become rejects). Missing, empty or extra fields still count."""
    if case.operation.path != "/api/v1/imports" or not isinstance(case.body, dict):
        return False
    if set(case.body) != {"file"}:
        return False
    values = case.body["file"] if isinstance(case.body["file"], list) else [case.body["file"]]
    return bool(values) and all(v not in ("", b"") for v in values)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if type(failure).__name__ == "AcceptedNegativeData":
        return not (response.status_code == 201 and _a_valid_upload_on_the_wire(case))
    if type(failure).__name__ != "RejectedPositiveData" or response.status_code != 400:
        return True
    try:
        answer = response.json()
    except Exception:
        return True
    message = answer.get("message", "") if isinstance(answer, dict) else ""
    return not _breaks_a_cross_field_rule(case, message)
