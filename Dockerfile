# ctp-bff: the storefront GraphQL BFF. See docs/docker.md.
#
#   docker build -t ctp-bff .
#   docker run --rm -p 8000:8000 ctp-bff        # demo on the embedded commercetools emulator
#
# No "# syntax=" line on purpose: it makes BuildKit pull a frontend image from Docker Hub, which
# breaks offline builds; this file only uses syntax both the classic builder and BuildKit know.

# Both stages must share one interpreter (the venv's python is a symlink to the base's), so the
# base image is one global argument. Anything with python3.11 + venv + useradd works, e.g. a
# debootstrapped Debian bookworm (see tests/support/docker_daemon.py).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS builder

# OFFLINE_WHEELS=1: install only from wheels placed in ./wheels/ of the build context, never from
# an index (for builders that cannot reach PyPI; docs/docker.md). Default: the normal online build.
ARG OFFLINE_WHEELS=0

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

SHELL ["/bin/sh", "-eu", "-c"]
WORKDIR /build

# "wheel[s]" is a glob so that the copy also works when ./wheels/ does not exist (online builds);
# when it does, its *.whl files land in /build next to the lock.
COPY requirements.lock pyproject.toml wheel[s] /build/

# The lock pins dev tools too (pytest, mypy, ruff, ...). Keep only the runtime closure: the
# [project] dependencies plus everything the lock's "# via" notes reach from them. The filter
# cannot silently lose a needed package: pip runs without --no-deps in hash-checking mode, so a
# dependency missing from runtime.txt fails the build ("hashes are required ...").
RUN python3 -c "import re, tomllib; \
norm = lambda name: re.sub(r'[-_.]+', '-', name).lower(); \
first = lambda text: norm(re.match(r'[A-Za-z0-9][A-Za-z0-9._-]*', text.strip()).group()); \
keep = {first(dep) for dep in tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']}; \
blocks = [b for b in re.split(r'\n(?=[A-Za-z0-9])', open('requirements.lock').read()) if not b.startswith('#')]; \
via = {first(b): {norm(n) for n in re.findall(r'[A-Za-z0-9][A-Za-z0-9._-]*', b.partition('# via')[2].replace('(pyproject.toml)', ''))} for b in blocks}; \
[keep.update(name for name, parents in via.items() if parents & keep) for _ in via]; \
open('runtime.txt', 'w').write('\n'.join(b.rstrip('\n') for b in blocks if first(b) in keep) + '\n')" \
 && echo "runtime packages: $(grep -c '^[A-Za-z0-9]' runtime.txt)"

RUN if [ "$OFFLINE_WHEELS" = 1 ]; then \
        ls /build/*.whl > /dev/null || { echo "OFFLINE_WHEELS=1 but no ./wheels/*.whl in the build context" >&2; exit 1; }; \
        set -- --no-index --find-links /build; \
    fi \
 && python3 -m venv /opt/venv \
 && /opt/venv/bin/python -m pip install --quiet --require-hashes "$@" -r runtime.txt \
 && /opt/venv/bin/python -m pip check \
 && /opt/venv/bin/python -m pip uninstall --quiet --yes pip setuptools

# pip and setuptools are removed above: nothing installs at runtime, and they are the usual
# findings of image scanners.


FROM ${BASE_IMAGE}

# DEMO_STOREFRONT=false: the image carries no storefront/ page, and `docker run -p 8000:8000`
# publishes the API's port only (docs/demo-storefront.md).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=auto \
    MAIL_OUTBOX_DIR=/tmp/outbox \
    DEMO_STOREFRONT=false

# A fixed numeric uid, so that orchestrators can check runAsNonRoot without reading /etc/passwd.
RUN groupadd --system --gid 10001 ctpbff \
 && useradd --system --uid 10001 --gid ctpbff --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin ctpbff

COPY --from=builder /opt/venv /opt/venv

# Sources stay owned by root: the service user can read but not change its own code.
WORKDIR /srv/ctp-bff
COPY pyproject.toml containers.py ./
COPY app/ app/
COPY bootstrap/ bootstrap/
COPY schema/ schema/
COPY webhooks/ webhooks/
COPY emulator/ emulator/
# Compile once here: with PYTHONDONTWRITEBYTECODE (and a read-only tree) nothing is written at run
# time, so without this every start would compile every module again.
RUN python -m compileall -q app bootstrap schema webhooks emulator containers.py

USER 10001:10001
EXPOSE 8000

# The slim image has no curl; urlopen raises (exit 1) on connection errors and non-2xx answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

CMD ["python", "-m", "bootstrap", "serve"]
