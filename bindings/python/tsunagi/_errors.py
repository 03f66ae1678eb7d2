"""Pure-Python stand-ins for the engine's error classes, used only when the compiled module
tsunagi._tsunagi cannot be imported (reading results and plotting need no engine). Same names
and the same hierarchy as the C++ ones (see bindings/python/src/errors.cpp)."""


class Error(Exception):
    """Base class of every Tsunagi error."""


TsunagiError = Error


class InputError(Error, ValueError):
    """Bad input (the CLI exits with code 2)."""


class ScenarioError(InputError):
    """A scenario file, key or override is wrong."""


class DataError(InputError):
    """An input data file is missing, unreadable or inconsistent."""


class OutputError(InputError):
    """The output cannot be written where asked."""


class ModelError(Error, RuntimeError):
    """A model reached an inconsistent state (a bug)."""


class IoError(Error, OSError):
    """A library call failed for a reason that is not the input's fault."""
