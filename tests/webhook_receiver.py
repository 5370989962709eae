"""A real HTTP server on 127.0.0.1 standing in for an outside webhook receiver, shared by the
webhook suites of module 7 (event consumers) and module 12 (webhooks), and the target URLs both refuse."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Every spelling of a loopback, private, link-local or metadata address that resolvers or HTTP
# clients accept, and other URLs that are no webhook target: module 12 webhooks and module 7
# webhook consumers refuse each of them, on create and on update.
UNSAFE_URLS = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://LOCALHOST./hook",
    "http://10.0.0.5/hook",
    "http://192.168.1.20/hook",
    "http://100.64.0.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://0.0.0.0/hook",
    # IPv4 in the forms inet_aton reads: integer, hex, short, octal, mixed.
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://127.1/hook",
    "http://0177.0.0.1/hook",
    "http://0x7f.0.0.1/hook",
    "http://017700000001/hook",
    "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data",
    "http://127.0.0.1./hook",
    "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/hook",
    # IPv6, and IPv6 forms that embed an IPv4 address.
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:7f00:1]/hook",
    "http://[64:ff9b::a9fe:a9fe]/hook",
    "http://[64:ff9b::10.0.0.1]/hook",
    "http://[64:ff9b:1::a9fe:a9fe]/hook",
    "http://[::127.0.0.1]/hook",
    "http://[::7f00:1]/hook",
    "http://[2002:7f00:1::1]/hook",
    "http://[2002:a9fe:a9fe::1]/hook",
    "http://[::ffff:0:7f00:1]/hook",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",
    "http://[2600::5efe:7f00:1]/hook",
    # Not http(s), credentials, not a URL.
    "ftp://hooks.example.com/hook",
    "https://user:pass@hooks.example.com/hook",
    "not a url",
    # Not addresses at all: a header-injection attempt and spaces, which the HTTP client refuses.
    "https://example.com/\r\nX-Injected: 1",
    "https://example.com/ho ok<script>",
    "https://exa mple.com/hook",
]


class Receiver:
    """Records what is POSTed to it (with the client's address, so kept-alive connections show).
    `statuses` is the sequence of status codes it answers (the last one repeats), with `answer` as
    the body and `location` as a Location header; `delay` seconds pass before each answer. It speaks
    HTTP/1.1 with keep-alive, as real receivers do."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses = [200]
        self.answer = b"{}"
        self.location: str | None = None
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(receiver.delay)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body, "client": self.client_address}
                )
                index = min(len(receiver.requests) - 1, len(receiver.statuses) - 1)
                self.send_response(receiver.statuses[index])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(receiver.answer)))
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                """Keep test output quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/pronaflow"

    def json(self, index: int = -1) -> dict:
        return json.loads(self.requests[index]["body"])

    def headers(self, index: int = -1) -> dict:
        """The headers of a request, with lower-case names."""
        return {name.lower(): value for name, value in self.requests[index]["headers"].items()}

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
