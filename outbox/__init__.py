"""The transactional outbox: e-mails and Celery tasks written as rows in the transaction of the
change they follow, then delivered by the worker (`outbox.services`)."""
