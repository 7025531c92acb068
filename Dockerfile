FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput -v0
ENV DJANGO_ENV=production
EXPOSE 8000
CMD ["gunicorn", "cpts_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
