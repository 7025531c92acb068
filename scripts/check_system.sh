#!/usr/bin/env bash
# The test suite needs these system programs; name what is missing instead of skipping tests.
missing=()
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=("chromium")
command -v pdftotext >/dev/null || missing+=("poppler-utils")
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing system packages for the tests: ${missing[*]}" >&2
  echo "Install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
