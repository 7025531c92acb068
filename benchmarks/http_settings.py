"""Settings for the HTTP benchmark: the app's, plus a URLconf with a bare reference view."""

from cpts_portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.http_urls"
