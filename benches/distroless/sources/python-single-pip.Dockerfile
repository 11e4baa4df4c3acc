FROM python:3.12-slim
WORKDIR /opt/reporter
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY reporter.py settings.toml ./
CMD python reporter.py --settings settings.toml
