"""Issued documents are self-contained: rendering one fetches nothing, whatever its HTML says."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from common.pdf import render_pdf


@pytest.fixture
def witness_server():
    """A local web server that notes every path asked of it."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()
    server.server_close()


def test_rendering_a_pdf_fetches_nothing(settings, tmp_path, witness_server):
    url, asked = witness_server
    (tmp_path / "document.html").write_text(
        f'<link rel="stylesheet" href="{url}/style.css">'
        f'<link rel="attachment" href="{url}/secret.txt">'
        f'<p>Accusé de réception</p><img src="{url}/logo.png"><img src="file:///etc/passwd">'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    assert render_pdf("document.html", {}).startswith(b"%PDF-")
    assert asked == []
