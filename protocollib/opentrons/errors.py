"""Errors the protocol library raises, each saying what was wrong and what was expected."""
from __future__ import annotations


class ProtocolError(Exception):
    """Base of every error a protocol can hit in this library."""


class ProtocolParseError(ProtocolError):
    """The protocol file cannot be read: bad syntax, metadata or apiLevel."""


class ApiLevelError(ProtocolParseError):
    """The protocol asks for an apiLevel we do not support."""


class LabwareNotFoundError(ProtocolError):
    """No labware definition matches the requested load name."""


class PipetteNotFoundError(ProtocolError):
    """No pipette matches the requested instrument name."""


class ModuleLoadError(ProtocolError):
    """No module matches the requested module name."""


class DeckConflictError(ProtocolError):
    """A slot is already taken, or does not exist."""


class NoTipAttachedError(ProtocolError):
    """A liquid-handling step needs a tip but the pipette has none."""


class TipAttachedError(ProtocolError):
    """A tip pick-up was asked for while a tip is already attached."""


class OutOfTipsError(ProtocolError):
    """Every tip rack assigned to the pipette is empty."""


class VolumeError(ProtocolError):
    """A volume is outside what the pipette or tip can hold."""


class CommandError(ProtocolError):
    """A command cannot be executed in the current state."""


class UnsupportedError(ProtocolError):
    """The feature exists on the real robot but this library does not provide it."""
