// Tsunagi's C++ error hierarchy as Python exceptions with the same names and messages:
//   Error (alias TsunagiError)
//   ├── InputError (also a ValueError): the user's input is wrong
//   │   ├── ScenarioError, DataError, OutputError
//   ├── ModelError (also a RuntimeError): a broken invariant, a bug
//   └── IoError (also an OSError): a library call failed (HDF5, GDAL)
// Catching ValueError, RuntimeError or OSError therefore works as Python users expect, and
// `except tsunagi.InputError` catches every bad-input case, as the CLI's exit code 2 does.

#include "views.hpp"

#include <tsunagi/core/error.hpp>

namespace tsunagi::python {

namespace {

PyObject* g_error = nullptr;
PyObject* g_input = nullptr;
PyObject* g_scenario = nullptr;
PyObject* g_data = nullptr;
PyObject* g_output = nullptr;
PyObject* g_model = nullptr;
PyObject* g_io = nullptr;

PyObject* make(py::module_& m, char const* name, char const* doc, py::tuple bases) {
    std::string const qualified = std::string("tsunagi.") + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (cls == nullptr) {
        throw py::error_already_set();
    }
    m.attr(name) = py::handle(cls); // the module holds a reference; the pointer stays valid
    return cls;
}

} // namespace

void bind_errors(py::module_& m) {
    py::handle const exc(PyExc_Exception);
    g_error = make(m, "Error",
                   "Base class of every Tsunagi error (C++ tsunagi::Error). The message names "
                   "where the problem is (file:line, key or record), what is wrong and a Fix.",
                   py::make_tuple(exc));
    m.attr("TsunagiError") = py::handle(g_error);
    g_input = make(m, "InputError",
                   "Bad input (C++ tsunagi::InputError; the CLI exits with code 2). Also a "
                   "ValueError.",
                   py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError)));
    g_scenario = make(m, "ScenarioError",
                      "A scenario file, key or override is wrong (unknown key, bad value, "
                      "malformed YAML).",
                      py::make_tuple(py::handle(g_input)));
    g_data = make(m, "DataError",
                  "An input data file is missing, unreadable or inconsistent.",
                  py::make_tuple(py::handle(g_input)));
    g_output = make(m, "OutputError",
                    "The output cannot be written where asked (bad path, permissions, disk full).",
                    py::make_tuple(py::handle(g_input)));
    g_model = make(m, "ModelError",
                   "A model reached an inconsistent state (a broken invariant): a bug, please "
                   "report it. Also a RuntimeError.",
                   py::make_tuple(py::handle(g_error), py::handle(PyExc_RuntimeError)));
    g_io = make(m, "IoError",
                "A library call (HDF5, GDAL, ...) failed for a reason that is not the input's "
                "fault. Also an OSError.",
                py::make_tuple(py::handle(g_error), py::handle(PyExc_OSError)));

    // Most derived first.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) {
                std::rethrow_exception(p);
            }
        } catch (ScenarioError const& e) {
            PyErr_SetString(g_scenario, e.what());
        } catch (DataError const& e) {
            PyErr_SetString(g_data, e.what());
        } catch (OutputError const& e) {
            PyErr_SetString(g_output, e.what());
        } catch (InputError const& e) {
            PyErr_SetString(g_input, e.what());
        } catch (ModelError const& e) {
            PyErr_SetString(g_model, e.what());
        } catch (IoError const& e) {
            PyErr_SetString(g_io, e.what());
        } catch (Error const& e) {
            PyErr_SetString(g_error, e.what());
        }
    });
}

} // namespace tsunagi::python
