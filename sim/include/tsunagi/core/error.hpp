#pragma once
// Typed errors. Every message names where the problem is (file, key or record), what is wrong
// and how to fix it. Only `main` (and the Python bindings) turn these into exit codes/exceptions:
// InputError and its children mean "bad input" (exit 2), anything else is internal (exit 1).

#include <stdexcept>
#include <string>

namespace tsunagi {

class Error : public std::runtime_error {
public:
    explicit Error(std::string const& message) : std::runtime_error(message) {}
};

// The user gave us something we cannot use. Exit code 2.
class InputError : public Error {
public:
    using Error::Error;
};

// A scenario file, key or override is wrong.
class ScenarioError : public InputError {
public:
    using InputError::InputError;
};

// An input data file is missing, unreadable or inconsistent.
class DataError : public InputError {
public:
    using InputError::InputError;
};

// The output cannot be written where the user asked (bad path, no permission, disk full).
class OutputError : public InputError {
public:
    using InputError::InputError;
};

// A model reached an inconsistent state (a broken invariant). A bug: exit code 1.
class ModelError : public Error {
public:
    using Error::Error;
};

// Failure of a library call (HDF5, GDAL, ...) that is not the user's fault. Exit code 1.
class IoError : public Error {
public:
    using Error::Error;
};

} // namespace tsunagi
