"""An opinion as the assignment list gives it, a column per header, kept as text."""

from django.db import models


class Opinion(models.Model):
    row = models.CharField(max_length=16, blank=True)
    number = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=300)
    lead_deputy = models.CharField(max_length=32)
    cosigners = models.CharField(max_length=300, blank=True)
    delegation = models.CharField(max_length=32, blank=True)
    category = models.CharField(max_length=28)
    lead_unit = models.CharField(max_length=64)
    co_units = models.CharField(max_length=300, blank=True)
    assigned_on = models.CharField(max_length=32)
    supervisor = models.CharField(max_length=32, blank=True)
