"""Tests of protocol runs through the bus: the bus backend, opentrons_execute and the runner process."""
