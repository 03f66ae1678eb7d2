// The compiled core of the `tsunagi` Python package: tsunagi._tsunagi. Users import `tsunagi`,
// which re-exports everything here with the pure-Python parts (Results, run, batch, viz).

#include "views.hpp"

#include <tsunagi/core/build_info.hpp>
#include <tsunagi/core/log.hpp>
#include <tsunagi/core/parallel.hpp>

PYBIND11_MODULE(_tsunagi, m) {
    namespace py = pybind11;
    using namespace tsunagi::python;
    m.doc() = "Tsunagi's C++ engine (scenarios, simulations, views of its state) for Python.";
    // Only warnings and errors by default, as the CLI does; set_log_level("info") for more.
    tsunagi::init_logging("warn");

    bind_errors(m);
    bind_scenario(m);
    bind_world(m);
    bind_simulation(m);
    bind_batch(m);

    m.def("version", &tsunagi::version, "The engine version, e.g. '0.1.0'.");
    m.def("git_revision", &tsunagi::git_revision, "`git describe` of the build.");
    m.def("build_type", &tsunagi::build_type, "CMake build type of the engine.");
    m.def("hardware_threads", &tsunagi::hardware_threads, "Hardware threads of this machine.");
    m.def(
        "set_log_level",
        [](std::string const& level) {
            static char const* const known[] = {"trace", "debug", "info", "warn", "error", "off"};
            for (char const* k : known) {
                if (level == k) {
                    tsunagi::init_logging(level);
                    return;
                }
            }
            throw py::value_error("set_log_level: give trace, debug, info, warn, error or off");
        },
        py::arg("level"), "Engine log level (messages go to stderr): trace ... off.");
}
