#pragma once
// Helpers shared by the binding files: zero-copy read-only numpy views whose base object keeps
// the owning Python object (the Simulation) alive, and the registration entry points.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <span>
#include <vector>

namespace tsunagi::python {

namespace py = pybind11;

// A read-only numpy array over `data` (not copied). `owner` becomes the array's base: while the
// array lives, so does the owner (and the memory it owns). numpy refuses to make such an array
// writeable again, because its base is not a writeable buffer.
template <class T>
py::array view(py::handle owner, T const* data, std::vector<py::ssize_t> shape) {
    py::array a(py::dtype::of<T>(), std::move(shape), {}, data, owner);
    py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return a;
}

template <class T>
py::array view(py::handle owner, std::span<T const> s) {
    return view<T>(owner, s.data(), {static_cast<py::ssize_t>(s.size())});
}

template <class T>
py::array view(py::handle owner, std::vector<T> const& v) {
    return view<T>(owner, v.data(), {static_cast<py::ssize_t>(v.size())});
}

// A copy (the array owns its memory and is writeable).
template <class T>
py::array copy(std::span<T const> s) {
    py::array_t<T> a(static_cast<py::ssize_t>(s.size()));
    std::copy(s.begin(), s.end(), a.mutable_data());
    return a;
}

void bind_errors(py::module_& m);
void bind_scenario(py::module_& m);
void bind_world(py::module_& m);
void bind_simulation(py::module_& m);
void bind_batch(py::module_& m);

} // namespace tsunagi::python

#include <tsunagi/core/scenario.hpp>

#include <string>
#include <utility>

namespace tsunagi {
struct World;
}

namespace tsunagi::python {
// The Python Scenario: the C++ Scenario plus the YAML text it was parsed from and the overrides
// applied since, in order. A Simulation is built from rebuild() - a fresh parse with the same
// overrides - because copying a C++ Scenario (YAML::Clone) loses the line numbers that error
// messages quote, and the Python object must stay unchanged (the engine fills in defaults).
struct PyScenario {
    Scenario scenario;
    std::string text;
    std::string origin;
    std::vector<std::pair<std::string, std::string>> sets; // (key path, YAML value)

    Scenario rebuild() const {
        Scenario s = Scenario::from_string(text, origin);
        for (auto const& [key, value] : sets) {
            s.set(key, value);
        }
        return s;
    }
};
} // namespace tsunagi::python

namespace tsunagi::python {
// A World view (zero-copy layers) kept alive by `owner`.
py::object make_world_view(py::object owner, World& world);
} // namespace tsunagi::python
