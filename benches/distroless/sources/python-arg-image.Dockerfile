ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --target /app/deps -r requirements.txt
COPY main.py .

FROM ${PYTHON_IMAGE}
WORKDIR /app
COPY --from=build /app /app
ENV PYTHONPATH=/app/deps
ENTRYPOINT ["python", "/app/main.py"]
