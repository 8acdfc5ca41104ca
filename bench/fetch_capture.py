"""Fetch + extract + capture throughput against a local HTTP server on 127.0.0.1.

Serves the same generated news pages as bench/import_html.py, imports each through
`article_import_url` (guarded fetch, extraction, snapshot, WARC capture, audit event)
and prints pages per second and peak memory; then renders a few with Chromium
(screenshot + PDF), when installed, and prints seconds per page.
Run: ./sanad bench bench/fetch_capture.py [N] [N_RENDERED]
"""

import random
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _setup import bench_database
from import_html import page


def serve(pages: list[bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            number = int(self.path.rsplit("/", 1)[-1])
            body = pages[number]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", f'"{number}"')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rendered = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rng = random.Random(20261201)
    pages = [page(n, rng) for n in range(count + rendered)]
    server = serve(pages)
    port = server.server_address[1]
    with bench_database():
        from django.conf import settings

        from app.core.render import chromium_path
        from app.members.services import workspace_create
        from app.sources.captures import article_import_url
        from app.sources.models import Capture

        settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES = [f"127.0.0.1:{port}"]
        settings.SANAD_CAPTURE_RENDER = False
        # Capture files go to default storage: a throwaway folder, not the development one.
        media = tempfile.TemporaryDirectory(prefix="sanad-bench-media-")
        from django.core.files.storage import default_storage
        from django.core.signals import setting_changed

        settings.MEDIA_ROOT = media.name
        setting_changed.send(sender=None, setting="MEDIA_ROOT", value=media.name, enter=True)
        workspace = workspace_create(name="Bench", creator=None)
        rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started, cpu_started = time.perf_counter(), time.process_time()
        for n in range(count):
            article_import_url(
                workspace=workspace, url=f"http://127.0.0.1:{port}/news/{n}", actor=None
            )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        warc_bytes = sum(
            default_storage.size(name)
            for name in Capture.objects.values_list("warc_path", flat=True)
        )
        page_bytes = sum(len(p) for p in pages[:count])

        render_elapsed = None
        if rendered and chromium_path():
            settings.SANAD_CAPTURE_RENDER = True
            started = time.perf_counter()
            for n in range(count, count + rendered):
                article_import_url(
                    workspace=workspace, url=f"http://127.0.0.1:{port}/news/{n}", actor=None
                )
            render_elapsed = time.perf_counter() - started
    server.shutdown()
    media.cleanup()
    print(f"pages fetched and captured: {count}")
    print(f"elapsed:                    {elapsed:.2f} s")
    print(f"throughput:                 {count / elapsed:.1f} pages/s (no rendering)")
    print(
        f"process CPU:                {cpu / count * 1000:.1f} ms/page (this process with the "
        "server thread; PostgreSQL not counted; less sensitive to machine load)"
    )
    print(f"WARC size:                  {warc_bytes / page_bytes:.2f} x the page bytes (gzip)")
    print(f"peak process RSS:           {rss_mb:.0f} MiB ({rss_before_mb:.0f} MiB before)")
    if render_elapsed is None:
        print("Chromium rendering:         skipped (no Chromium, or N_RENDERED = 0)")
    else:
        print(
            f"with Chromium screenshot+PDF: {render_elapsed / rendered:.2f} s/page "
            f"over {rendered} pages"
        )


if __name__ == "__main__":
    main()
