"""gunicorn settings, read automatically when gunicorn starts in this folder: `gunicorn app:server -w 4`."""

bind = "127.0.0.1:8050"
# A link carries the whole experiment; the parser reads at most experiments.limits.MAX_QUERY_LENGTH (16,000)
# characters of it, which is past gunicorn's default 4,094-byte request line, so lift that limit.
limit_request_line = 0
# The heaviest link experiments.limits allows takes about 20 s on a 2-core machine; gunicorn's default 30 s
# timeout would leave little room on a slower or busier one.
timeout = 120
