# The Rasa server image that deploy/helm/values.yml refers to ("rasa" repository):
# Rasa 3.6.21 with the project's channels, stores, runtime patches and trained model.
#   make train && docker build -f deploy/docker/rasa.Dockerfile -t outsourcing-advisor/rasa:3.6.21-advisor .
# The chart passes `rasa`'s arguments (run --model ...): the entrypoint hands them to
# runtime/launch.py with scripts/common.sh's environment, as `make run` does.
FROM python:3.10.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# Sources only (.dockerignore keeps out .venv, var, results...); the model must be trained.
COPY pyproject.toml README.md config.yml domain.yml credentials.yml endpoints.yml ./
# advisor/ and components/: the channels and the NLU pipeline import them
# (tests/deploy/test_docker_images.py imports all of it from exactly these files).
COPY advisor/ advisor/
COPY components/ components/
COPY runtime/ runtime/
COPY channels/ channels/
COPY stores/ stores/
COPY scripts/common.sh scripts/build_spacy_pipeline.py scripts/
COPY web/ web/
COPY models/outsourcing-advisor.tar.gz models/
RUN python scripts/build_spacy_pipeline.py build/spacy_en_lookup \
    && pip install --no-cache-dir --no-deps --no-build-isolation . \
    && useradd --system --uid 1001 --home-dir /app rasa \
    && mkdir -p var && chown rasa var

USER 1001
EXPOSE 5005
ENTRYPOINT ["bash", "-c", "source scripts/common.sh && exec python -m runtime.launch \"$@\"", "launch"]
CMD ["run", "--model", "models/outsourcing-advisor.tar.gz", "--port", "5005", "--interface", "0.0.0.0", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
