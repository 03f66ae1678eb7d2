// Sweep files of `tsunagi batch` (C++ tsunagi::BatchSpec) for tsunagi.batch(): the same file
// runs from Python, in this process, with the same members in the same order.

#include "views.hpp"

#include <tsunagi/core/batch.hpp>
#include <tsunagi/models/all_models.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace tsunagi::python {

void bind_batch(py::module_& m) {
    m.def(
        "load_sweep",
        [](std::filesystem::path const& file, std::vector<std::string> const& overrides) {
            BatchSpec spec;
            {
                py::gil_scoped_release release;
                spec = BatchSpec::load(file, default_model_registry(), overrides);
            }
            py::list variants;
            for (auto const& v : spec.variants) {
                py::dict sets;
                for (auto const& [k, value] : v.sets) {
                    sets[py::str(k)] = value;
                }
                variants.append(py::make_tuple(v.name, sets));
            }
            py::list members;
            for (std::size_t i = 0; i < spec.member_count(); ++i) {
                Scenario s = spec.member_scenario(i);
                std::string text = s.resolved_yaml();
                std::string origin = s.origin();
                members.append(py::make_tuple(spec.variants[spec.variant_of(i)].name,
                                              spec.seed_of(i),
                                              PyScenario{std::move(s), std::move(text),
                                                         std::move(origin), {}}));
            }
            py::dict d;
            d["name"] = spec.name;
            d["origin"] = spec.origin;
            d["scenario"] = spec.scenario;
            d["seeds"] = spec.seeds;
            d["variants"] = variants;
            d["members"] = members;
            d["yaml"] = spec.yaml;
            return d;
        },
        py::arg("path"), py::arg("overrides") = std::vector<std::string>{},
        "Reads and checks a `tsunagi batch` sweep file and every variant's scenario, without "
        "running: a dict with name, origin, scenario, seeds, variants [(name, {key: YAML})], "
        "members [(variant, seed, Scenario)] in member order (variant-major) and yaml.");
}

} // namespace tsunagi::python
