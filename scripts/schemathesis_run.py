"""schemathesis's command line, with one bug of the Python under it worked
around.

CPython 3.11 before 3.11.5 (Debian 12 has 3.11.2) can raise "SystemError:
AST constructor recursion depth mismatch" from ast.parse called deep in a
stack (python/cpython#106905). Hypothesis parses source only to describe a
lambda in its messages; on that error the lambda is described as unknown,
instead of the whole run failing on the tool's own error (as CI once did).
"""
import sys

from hypothesis.internal import lambda_sources

_describe = lambda_sources._lambda_description


def _lambda_description(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _lambda_description

from schemathesis.cli import schemathesis  # noqa: E402 (after the patch)

sys.exit(schemathesis())
