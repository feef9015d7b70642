"""Steppers (compiled) and their Python drivers."""

from fastbias.loops.gd import gd
from fastbias.loops.schedule import log_schedule
from fastbias.loops.sgd import sgd
from fastbias.loops.trajectory import Trajectory

__all__ = ["Trajectory", "gd", "log_schedule", "sgd"]
