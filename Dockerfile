# Self-hosting image: docker build -t conflict-monitor . (see README, "Host it").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CONFLICT_MONITOR_DB=/store/conflict.duckdb

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

# The store lives on a volume so it survives new images; it is built on first start.
VOLUME ["/store"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"

# Run as an unprivileged user.
RUN useradd --create-home app && mkdir -p /store && chown app /store
USER app
CMD ["streamlit", "run", "dashboard.py", "--server.port=8501", "--server.address=0.0.0.0"]
