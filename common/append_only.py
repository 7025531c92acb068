"""Records that are written once and never changed nor deleted (history, journal)."""


class AppendOnlyError(Exception):
    """A record of what happened is never changed nor deleted."""


class AppendOnly:
    """Model mixin: a second save and any delete raise `AppendOnlyError`. (Bulk querysets
    bypass it; the admin of such models is read-only.)"""

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{self._meta.verbose_name} : ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} : ne se supprime pas.")
