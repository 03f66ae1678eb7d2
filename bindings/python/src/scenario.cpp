// tsunagi.Scenario: load a YAML file, build one from text or a Python dict, set/get keys by path,
// read it back as a dict. The methods are the C++ ones (same names, same error messages); Python
// values given to set()/from_dict() are written as YAML (JSON flow syntax, which YAML reads).

#include "views.hpp"

#include <tsunagi/core/error.hpp>
#include <tsunagi/core/scenario.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/models/all_models.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

namespace tsunagi::python {

namespace {

std::string key_label(std::string const& path) { return path.empty() ? "the top level" : path; }

// Writes a Python value as YAML: mappings in block style (one key per line, so error messages
// point at a useful line), lists and everything inside them in flow style (JSON syntax, which
// YAML reads). Fails with ScenarioError naming the key.
void to_yaml(py::handle v, std::string const& origin, std::string const& path, std::string& out,
             int indent = -1) {
    auto fail = [&](std::string const& what, std::string const& fix) {
        throw ScenarioError(fmt::format("{}: [{}]: {}. Fix: {}", origin, key_label(path), what, fix));
    };
    // Not a static: a py::object destroyed after the interpreter finalises would crash.
    py::object const dumps = py::module_::import("json").attr("dumps");
    if (v.is_none()) {
        out += "null";
    } else if (py::isinstance<py::bool_>(v)) {
        out += v.cast<bool>() ? "true" : "false";
    } else if (py::isinstance<py::int_>(v)) {
        out += py::str(v).cast<std::string>();
    } else if (py::isinstance<py::float_>(v)) {
        double const d = v.cast<double>();
        if (!std::isfinite(d)) {
            fail(fmt::format("{} is not a finite number", d), "give a finite number");
        }
        out += py::repr(v).cast<std::string>();
    } else if (py::isinstance<py::str>(v)) {
        out += dumps(v, py::arg("ensure_ascii") = false).cast<std::string>();
    } else if (py::isinstance<py::dict>(v)) {
        auto const d = v.cast<py::dict>();
        bool const block = indent >= 0 || path.empty();
        if (d.empty() || !block) {
            out += "{";
        }
        bool first = true;
        static std::regex const plain(R"([A-Za-z_][A-Za-z0-9_]*)");
        for (auto item : d) {
            if (!py::isinstance<py::str>(item.first)) {
                fail(fmt::format("the key {} is not text", py::repr(item.first).cast<std::string>()),
                     "use text keys, e.g. {'evacuation': {'awareness': 'high'}}");
            }
            auto const k = item.first.cast<std::string>();
            std::string const sub = path.empty() ? k : path + "." + k;
            std::string const key = std::regex_match(k, plain)
                                        ? k
                                        : dumps(item.first, py::arg("ensure_ascii") = false).cast<std::string>();
            if (block) {
                out += (first && path.empty() ? "" : "\n") + std::string(std::max(indent, 0), ' ') +
                       key + ":";
                bool const nested = py::isinstance<py::dict>(item.second) &&
                                    !item.second.cast<py::dict>().empty();
                out += nested ? "" : " ";
                to_yaml(item.second, origin, sub, out, nested ? std::max(indent, 0) + 2 : -2);
            } else {
                out += (first ? "" : ", ") + key + ": ";
                to_yaml(item.second, origin, sub, out, -2);
            }
            first = false;
        }
        if (d.empty() || !block) {
            out += "}";
        }
    } else if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
        out += "[";
        std::size_t i = 0;
        for (auto item : v) {
            out += i == 0 ? "" : ", ";
            to_yaml(item, origin, fmt::format("{}[{}]", path, i), out, -2);
            ++i;
        }
        out += "]";
    } else if (py::hasattr(v, "__fspath__")) {
        to_yaml(py::module_::import("os").attr("fspath")(v), origin, path, out, indent);
    } else if (py::hasattr(v, "item") && py::hasattr(v, "dtype")) { // numpy scalar or 0-d array
        to_yaml(v.attr("item")(), origin, path, out, indent);
    } else {
        fail(fmt::format("a value of type {} cannot be written to a scenario",
                         py::str(py::type::of(v).attr("__name__")).cast<std::string>()),
             "use numbers, text, booleans, lists or dicts");
    }
}

// A YAML scalar as a Python value, by the YAML 1.2 core schema (the one yaml-cpp follows):
// null, booleans, integers, floats (1e6 included), otherwise text. Quoted scalars stay text.
py::object scalar(YAML::Node const& n) {
    std::string const& s = n.Scalar();
    if (n.Tag() == "!") {
        return py::str(s);
    }
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
        return py::none();
    }
    if (s == "true" || s == "True" || s == "TRUE") {
        return py::bool_(true);
    }
    if (s == "false" || s == "False" || s == "FALSE") {
        return py::bool_(false);
    }
    static std::regex const integer(R"([-+]?[0-9]+)");
    static std::regex const number(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    static std::regex const special(R"([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    if (std::regex_match(s, integer)) {
        return py::int_(py::str(s[0] == '+' ? s.substr(1) : s)); // arbitrary precision
    }
    if (std::regex_match(s, number)) {
        return py::float_(std::stod(s));
    }
    if (std::regex_match(s, special)) {
        if (s.find_first_of("nN") != std::string::npos && s.find_first_of("iI") == std::string::npos) {
            return py::float_(std::nan(""));
        }
        return py::float_(s[0] == '-' ? -INFINITY : INFINITY);
    }
    return py::str(s);
}

py::object to_python(YAML::Node const& n) {
    switch (n.Type()) {
    case YAML::NodeType::Map: {
        py::dict d;
        for (auto const& kv : n) {
            d[py::str(kv.first.Scalar())] = to_python(kv.second);
        }
        return d;
    }
    case YAML::NodeType::Sequence: {
        py::list l;
        for (auto const& item : n) {
            l.append(to_python(item));
        }
        return l;
    }
    case YAML::NodeType::Scalar:
        return scalar(n);
    default:
        return py::none();
    }
}

void set_value(PyScenario& s, std::string const& key_path, py::handle value) {
    std::string text;
    if (py::isinstance<py::str>(value)) {
        text = value.cast<std::string>(); // YAML text, exactly as --set
    } else {
        to_yaml(value, "set(" + key_path + ")", key_path, text);
    }
    s.scenario.set(key_path, text);
    s.sets.emplace_back(key_path, text);
}

void set_assignment(PyScenario& s, std::string const& assignment) {
    s.scenario.set(assignment); // its own errors for a missing '='
    auto const eq = assignment.find('=');
    s.sets.emplace_back(assignment.substr(0, eq), assignment.substr(eq + 1));
}

PyScenario load(std::filesystem::path const& path) {
    Scenario s = Scenario::load(path);
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return PyScenario{std::move(s), ss.str(), path.string(), {}};
}

PyScenario from_string(std::string const& yaml, std::string const& origin) {
    return PyScenario{Scenario::from_string(yaml, origin), yaml, origin, {}};
}

} // namespace

void bind_scenario(py::module_& m) {
    py::class_<PyScenario>(m, "Scenario", R"doc(
A scenario: the YAML a user writes plus overrides (C++ tsunagi::Scenario).

Create one with Scenario.load(path), Scenario.from_string(yaml) or Scenario.from_dict(d); change
keys with set("a.b", value) or set("a.b=value"); read them with get("a.b") (YAML text) or
to_dict(). Keys and defaults are listed in docs/scenario.md. Unknown keys and bad values are
reported (ScenarioError) when a Simulation is built from the scenario, or by validate().
)doc")
        .def_static("load", &load, py::arg("path"),
                    "Reads and parses a YAML file. Raises ScenarioError (missing file, malformed "
                    "YAML, not a mapping).")
        .def_static("from_string", &from_string, py::arg("yaml"), py::arg("origin") = "<string>",
                    "Parses YAML text; `origin` names it in error messages.")
        .def_static(
            "from_dict",
            [](py::dict const& d, std::string const& origin) {
                std::string text;
                to_yaml(d, origin, "", text);
                return from_string(text + "\n", origin);
            },
            py::arg("mapping"), py::arg("origin") = "<dict>",
            "Builds a scenario from nested dicts, e.g. {'world': {'synthetic': {'population': "
            "20000}}}. Values may be numbers, text, booleans, lists, dicts or numpy scalars.")
        .def(py::init<PyScenario const&>(), py::arg("other"), "An independent (deep) copy.")
        .def("copy", [](PyScenario const& s) { return PyScenario(s); },
             "An independent (deep) copy.")
        .def("__copy__", [](PyScenario const& s) { return PyScenario(s); })
        .def("__deepcopy__", [](PyScenario const& s, py::dict const&) { return PyScenario(s); },
             py::arg("memo"))
        .def(
            "set",
            [](PyScenario& s, std::string const& assignment) -> PyScenario& {
                set_assignment(s, assignment);
                return s;
            },
            py::arg("assignment"), py::return_value_policy::reference_internal,
            "Applies 'a.b.c=value' (the value parsed as YAML), exactly like the CLI's --set. "
            "Returns the scenario, so calls can be chained.")
        .def(
            "set",
            [](PyScenario& s, std::string const& key_path, py::object const& value) -> PyScenario& {
                set_value(s, key_path, value);
                return s;
            },
            py::arg("key_path"), py::arg("value"), py::return_value_policy::reference_internal,
            "Sets the key at a dotted path. A str is YAML text, as on the command line ('high', "
            "'2e5', '{immediate: 1}'; quote text that YAML would read otherwise: '\"a: b\"'); "
            "numbers, booleans, lists and dicts are written as YAML. Returns the scenario, so "
            "calls can be chained.")
        .def(
            "get", [](PyScenario const& s, std::string const& k) { return s.scenario.get(k); },
            py::arg("key_path"),
            "The YAML text at a dotted key path (a scalar's text, or a section dumped as YAML), "
            "or None if absent.")
        .def("resolved_yaml", [](PyScenario const& s) { return s.scenario.resolved_yaml(); },
             "The YAML with overrides applied (every default filled in for the scenario of a "
             "Simulation: see Simulation.scenario()).")
        .def(
            "to_dict",
            [](PyScenario const& s) { return to_python(YAML::Load(s.scenario.resolved_yaml())); },
            "The scenario as nested dicts (numbers, booleans, text typed as YAML 1.2 reads them).")
        .def(
            "validate",
            [](PyScenario const& s, int threads) {
                RunOptions opt;
                opt.threads = threads;
                std::vector<std::pair<std::string, std::string>> rows;
                {
                    py::gil_scoped_release release;
                    Simulation sim(s.rebuild(), opt, default_model_registry());
                    rows = sim.describe();
                }
                py::dict d;
                for (auto const& [k, v] : rows) {
                    d[py::str(k)] = v;
                }
                return d;
            },
            py::arg("threads") = 1,
            "Checks the scenario as `tsunagi validate` does: reads every section, rejects unknown "
            "keys, builds the world and initialises the models, without running. Returns what "
            "was loaded as {item: text}; raises ScenarioError / DataError.")
        .def("origin", [](PyScenario const& s) { return s.scenario.origin(); },
             "The file path or origin name given at creation.")
        .def("directory", [](PyScenario const& s) { return s.scenario.directory(); },
             "The directory relative data paths are resolved against.")
        .def("__repr__", [](PyScenario const& s) {
            return fmt::format("<tsunagi.Scenario '{}' from {}>",
                               s.scenario.get("scenario.name").value_or("unnamed"),
                               s.scenario.origin());
        });
}

} // namespace tsunagi::python
