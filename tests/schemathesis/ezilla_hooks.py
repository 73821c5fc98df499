"""Schemathesis hooks for Ezilla's API fuzzing (tests/api/fuzz.rs): a check that no answer
names another user's VM. EZILLA_FORBIDDEN lists, comma-separated, what the token's owner must
never see (another user's VM's UUID and name); empty for an admin, who sees every VM. With
EZILLA_NEVER_SUCCEED set (every request names another user's VM), no answer may be a 2xx."""

import os

import schemathesis

FORBIDDEN = [word for word in os.environ.get("EZILLA_FORBIDDEN", "").split(",") if word]
NEVER_SUCCEED = bool(os.environ.get("EZILLA_NEVER_SUCCEED"))


@schemathesis.check
def no_other_users_vm(ctx, response, case):
    text = response.text or ""
    for word in FORBIDDEN:
        if word in text:
            raise AssertionError(f"the answer names another user's VM ({word}): {text[:200]}")
    if NEVER_SUCCEED and 200 <= response.status_code < 300:
        raise AssertionError(f"another user's VM answered {response.status_code}: {text[:200]}")
