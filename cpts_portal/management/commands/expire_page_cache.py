from django.core.management.base import BaseCommand

from cpts_portal import page_cache


class Command(BaseCommand):
    help = (
        "Makes every cached page stale. Run it after writing to the database outside Django "
        "(pg_restore, psql): such writes are not seen by the page cache."
    )

    def handle(self, *args, **options):
        if not page_cache.enabled():
            self.stdout.write("Page cache off (no REDIS_URL): nothing to expire.")
            return
        page_cache.bump()
        self.stdout.write("Every cached page is now stale.")
