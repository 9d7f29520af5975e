"""Keep secrets out of everything DiscTrack writes down: logs, error reports, audit detail.

A survey link's token and an opt-out token are the whole key to what they open, and they
travel in the URL path. Anything that records a path (gunicorn's access log, Django's
"Not Found" warnings, an error report, a Referer header) goes through `mask` first, which
keeps the shape of the path and drops the token:

    /s/Xq3...9Zk/q/2/      ->  /s/[token]/q/2/
    /followup/opt-out/...  ->  /followup/opt-out/[token]/

Bearer tokens in an Authorization header and `token=` query parameters are masked the same
way, so an API token never reaches a log either. One definition, used by the logging
filter, the gunicorn access logger and the exception reporter below.
"""

from __future__ import annotations

import copy
import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = "[token]"

# A path segment after /s/ or /opt-out/ (anywhere in the text: a full URL, a request line,
# a Referer), the value of a token-like query parameter, and a bearer credential.
_PATTERNS = (
    (re.compile(r"(/s/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/opt-out/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"((?:^|[?&;\s])(?:token|access_token|key)=)[^&#\s\"']+", re.IGNORECASE), rf"\g<1>{MASK}"),
    (re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE), rf"\g<1>{MASK}"),
)


def mask(text):
    """`text` with every token-bearing part replaced by [token]; non-strings pass through."""
    if not isinstance(text, str) or not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskSecrets(logging.Filter):
    """A logging filter that masks tokens in the message and its arguments.

    Installed on every handler DiscTrack configures, so a record is masked whichever logger
    wrote it (django.request's "Not Found: /s/...", gunicorn, our own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            if isinstance(record.args, dict):
                record.args = {key: mask(value) for key, value in record.args.items()}
            else:
                record.args = tuple(mask(value) for value in record.args)
        record.msg = mask(record.msg)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        # django.request attaches the request; a handler that renders it (an error e-mail)
        # goes through RedactingExceptionReporter below, so the path is masked there too.
        return True


class RedactingReporterFilter(SafeExceptionReporterFilter):
    """Django's filter for error reports, also hiding any variable named like a token.

    The reporter below masks everything it prints (path, headers, the printed variables);
    this hides a token even where it does not look like one."""

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute if "token" in name.lower() else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class RedactingExceptionReporter(ExceptionReporter):
    """The report's request path and URL masked too (Django prints them from the request)."""

    def __init__(self, request, *args, **kwargs):
        if request is not None:
            request = copy.copy(request)
            request.path = mask(request.path)
            request.path_info = mask(request.path_info)
            request.META = {key: mask(value) for key, value in request.META.items()}
        super().__init__(request, *args, **kwargs)

    def get_traceback_data(self):
        data = super().get_traceback_data()
        for frame in data.get("frames", []):
            # By now each value is its printed form: a request prints its path.
            frame["vars"] = [(name, mask(value)) for name, value in frame.get("vars", [])]
        if "request_insecure_uri" in data:
            data["request_insecure_uri"] = mask(data["request_insecure_uri"])
        return data


def gunicorn_logger_class():
    """gunicorn's Logger with every access-log atom masked (imported only by `serve`)."""
    from gunicorn.glogging import Logger

    class MaskingLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            return {key: mask(value) for key, value in super().atoms(resp, req, environ, request_time).items()}

        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.addFilter(MaskSecrets())

    return MaskingLogger
