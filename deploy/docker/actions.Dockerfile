# The action server image that deploy/helm/values.yml refers to ("actions" repository):
# rasa-sdk with actions/ and advisor/ and only what they import (requirements-actions.txt):
# no Rasa, no TensorFlow.
#   docker build -f deploy/docker/actions.Dockerfile -t outsourcing-advisor/actions:3.6.2-advisor .
FROM python:3.10.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements-actions.txt ./
RUN pip install --no-cache-dir -r requirements-actions.txt

COPY actions/ actions/
COPY advisor/ advisor/
COPY data/answers/ data/answers/
COPY runtime/__init__.py runtime/launch.py runtime/launch_env.py runtime/action_auth.py runtime/
COPY scripts/common.sh scripts/
RUN useradd --system --uid 1001 --home-dir /app actions

USER 1001
EXPOSE 5055
# In a container the server must listen on all interfaces (scripts/servers.sh keeps
# it on loopback on a developer's machine).
ENV SANIC_HOST=0.0.0.0
ENTRYPOINT ["bash", "-c", "source scripts/common.sh && exec python -m runtime.launch \"$@\"", "launch"]
CMD ["run", "actions", "--actions", "actions", "--port", "5055"]
