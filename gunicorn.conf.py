"""gunicorn settings, read automatically when gunicorn starts in this folder: `gunicorn app:server -w 4`."""

bind = "127.0.0.1:8050"
# A link carries the whole experiment; the parser reads at most experiments.limits.MAX_QUERY_LENGTH (16,000)
# characters of it, which is past gunicorn's default 4,094-byte request line, so lift that limit.
limit_request_line = 0
# The heaviest link experiments.limits allows takes about half a second on the compiled engine, but about half a
# minute where numba is missing and runs fall back to NumPy; gunicorn's default 30 s would cut that short.
timeout = 120


def post_worker_init(worker):
    """Each worker compiles (or loads from the disk cache) the lessons' kernels in the background once it is up."""
    from app import compile_in_background

    compile_in_background()
# Threads let a worker answer a student's small edit while another thread waits on a heavy link: the compiled
# engine releases the GIL while it steps.
threads = 4
