#!/usr/bin/env python3
"""Healthcheck of the web container: GET /healthz the way the site is reached.

It names an allowed host (a bare 127.0.0.1 gets 400 in production) and speaks plain HTTP
(/healthz is exempt from the redirect to https; a redirect is followed and fails). No Django
import: it runs in a second. Exit 0 when the answer is 200.
"""

import os
import sys
import urllib.request

URL = os.environ.get("HEALTHZ_URL", "http://127.0.0.1:8000/healthz")


def probe_host() -> str:
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")
    # ".example.fr" allows example.fr itself; "*" is no name to send.
    names = [h.strip().lstrip(".") for h in hosts if h.strip() not in ("", "*")]
    return names[0] if names else "localhost"


def main() -> int:
    request = urllib.request.Request(URL, headers={"Host": probe_host()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except Exception as error:  # any failure is "unhealthy", said on stderr for `docker inspect`
        print(f"healthz: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
