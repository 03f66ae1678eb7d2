// tsunagi.Simulation (C++ tsunagi::Simulation) and tsunagi.AgentStore views.
// run() and step() release the GIL while the engine works and take it back between chunks of
// ticks to call the progress callback and to notice Ctrl-C (KeyboardInterrupt stops the run
// between two ticks; the simulation stays consistent and run() continues it).

#include "views.hpp"

#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/models/all_models.hpp>

#include <fmt/format.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <map>
#include <optional>

namespace tsunagi::python {

namespace {

struct PySimulation {
    std::unique_ptr<Simulation> sim;
    std::atomic<bool> busy{false};
    std::map<std::string, std::size_t> viewed_sizes; // agent kinds with views handed out

    Simulation& get() { return *sim; }
};

// Only one thread may drive a simulation at a time (run/step release the GIL).
class BusyGuard {
public:
    explicit BusyGuard(PySimulation& s) : s_(s) {
        if (s_.busy.exchange(true)) {
            throw std::runtime_error("this Simulation is already running (in another thread); "
                                     "wait for it to finish");
        }
    }
    ~BusyGuard() { s_.busy = false; }
    BusyGuard(BusyGuard const&) = delete;
    BusyGuard& operator=(BusyGuard const&) = delete;

private:
    PySimulation& s_;
};

// Agent stores change size only when a model commits births or deaths after initialisation (no
// model does yet). A view taken before such a change would be stale, so say so loudly.
void warn_stale_views(PySimulation& s) {
    for (auto& [kind, size] : s.viewed_sizes) {
        auto const& stores = s.get().engine().stores();
        auto it = stores.find(kind);
        if (it != stores.end() && it->second->size() != size) {
            std::string const msg = fmt::format(
                "agent store '{}' changed size from {} to {} rows: numpy views of its fields "
                "taken before are stale; take new ones with sim.agents('{}')",
                kind, size, it->second->size(), kind);
            size = it->second->size();
            if (PyErr_WarnEx(PyExc_RuntimeWarning, msg.c_str(), 1) != 0) {
                throw py::error_already_set();
            }
        }
    }
}

struct StoreView {
    py::object owner; // the Python Simulation
    AgentStore* store;
};

template <class T>
bool try_column(py::handle owner, AgentStore& s, std::string const& name, py::object& out) {
    try {
        auto const h = s.field<T>(name);
        auto const col = std::as_const(s).column(h);
        out = view<T>(owner, col.data(), {static_cast<py::ssize_t>(col.size())});
        return true;
    } catch (ModelError const&) { // registered with another type
        return false;
    }
}

py::object column(py::handle owner, AgentStore& s, std::string const& name) {
    if (!s.has_field(name)) {
        std::string names;
        for (auto const& n : s.field_names()) {
            names += (names.empty() ? "" : ", ") + n;
        }
        throw py::key_error(fmt::format("agent kind '{}' has no field '{}'; its fields are: {}",
                                        s.kind(), name, names));
    }
    py::object out;
    if (try_column<std::uint8_t>(owner, s, name, out) || try_column<std::uint16_t>(owner, s, name, out) ||
        try_column<std::uint32_t>(owner, s, name, out) || try_column<float>(owner, s, name, out) ||
        try_column<double>(owner, s, name, out) || try_column<std::int32_t>(owner, s, name, out) ||
        try_column<std::int8_t>(owner, s, name, out) || try_column<std::int16_t>(owner, s, name, out) ||
        try_column<std::uint64_t>(owner, s, name, out) || try_column<std::int64_t>(owner, s, name, out)) {
        return out;
    }
    throw py::type_error(fmt::format("agent field '{}.{}' has a type numpy cannot view", s.kind(), name));
}

py::object meta_value(RunOutput::MetaValue const& v) {
    return std::visit([](auto const& x) { return py::cast(x); }, v);
}

py::object kpi_value(Report::Value const& v) {
    return std::visit([](auto const& x) { return py::cast(x); }, v);
}

py::dict output_dict(RunOutput const& o) {
    py::dict meta, run, kpis, units, descriptions, by_zone, by_category, edges, facilities, series;
    for (auto const& [k, v] : o.meta) {
        meta[py::str(k)] = meta_value(v);
    }
    for (auto const& [k, v] : o.run) {
        run[py::str(k)] = meta_value(v);
    }
    for (auto const& k : o.kpis) {
        kpis[py::str(k.name)] = kpi_value(k.value);
        units[py::str(k.name)] = k.unit;
        descriptions[py::str(k.name)] = k.description;
    }
    for (auto const& k : o.by_zone) {
        by_zone[py::str(k.name)] = std::visit(
            [](auto const& v) { return copy(std::span(v.data(), v.size())); }, k.values);
    }
    for (auto const& k : o.by_category) {
        if (!by_category.contains(k.category)) {
            py::dict c;
            c["labels"] = k.labels;
            by_category[py::str(k.category)] = c;
        }
        by_category[py::str(k.category)].cast<py::dict>()[py::str(k.name)] =
            copy(std::span(k.values.data(), k.values.size()));
    }
    for (auto const& k : o.edges) {
        edges[py::str(k.name)] = copy(std::span(k.values.data(), k.values.size()));
    }
    for (auto const& k : o.facilities) {
        facilities[py::str(k.name)] = copy(std::span(k.values.data(), k.values.size()));
    }
    auto const nz = static_cast<py::ssize_t>(o.zones.size());
    for (auto const& s : o.series) {
        py::array_t<double> a({static_cast<py::ssize_t>(o.times_s.size()), nz});
        std::copy(s.values.begin(), s.values.end(), a.mutable_data());
        series[py::str(s.name)] = a;
    }
    py::list zones;
    for (auto const& z : o.zones) {
        zones.append(z);
    }
    py::dict d;
    d["meta"] = meta;
    d["run"] = run;
    d["zones"] = zones;
    d["kpi"] = kpis;
    d["kpi_unit"] = units;
    d["kpi_description"] = descriptions;
    d["by_zone"] = by_zone;
    d["by_category"] = by_category;
    d["edges"] = edges;
    d["facilities"] = facilities;
    d["time_s"] = copy(std::span(o.times_s.data(), o.times_s.size()));
    d["timeseries"] = series;
    return d;
}

void step_chunked(PySimulation& ps, Tick n, py::object const& progress, Tick every) {
    BusyGuard const busy(ps);
    Simulation& sim = ps.get();
    Tick const total = sim.engine().clock().total_ticks();
    Tick const end = std::min(total, sim.engine().clock().tick() + n);
    if (every <= 0) {
        every = std::max<Tick>(1, (total + 99) / 100);
    }
    while (!sim.done() && sim.engine().clock().tick() < end) {
        Tick const now = sim.engine().clock().tick();
        Tick const chunk = std::min(end - now, every - now % every); // stop on multiples of every
        {
            py::gil_scoped_release release;
            sim.step(chunk);
        }
        warn_stale_views(ps);
        if (PyErr_CheckSignals() != 0) {
            throw py::error_already_set(); // KeyboardInterrupt: between two ticks, resumable
        }
        if (!progress.is_none()) {
            progress(sim.engine().clock().tick(), total);
        }
    }
}

} // namespace

void bind_simulation(py::module_& m) {
    py::enum_<evacuation::ResidentState>(
        m, "ResidentState",
        "States of a resident (C++ tsunagi::evacuation::ResidentState), the values of the "
        "resident store's 'state' field.")
        .value("Home", evacuation::ResidentState::Home)
        .value("Walking", evacuation::ResidentState::Walking)
        .value("Driving", evacuation::ResidentState::Driving)
        .value("Passenger", evacuation::ResidentState::Passenger)
        .value("Stranded", evacuation::ResidentState::Stranded)
        .value("Safe", evacuation::ResidentState::Safe)
        .value("Dead", evacuation::ResidentState::Dead)
        .value("NotExposed", evacuation::ResidentState::NotExposed);

    py::class_<StoreView>(m, "AgentStore", R"doc(
Structure-of-arrays storage of one agent kind (C++ tsunagi::AgentStore).

store["state"] (or store.column("state")) is a read-only numpy view of the engine's column, not a
copy: it shows the state after every later step() and stays valid while the Simulation lives (it
keeps the Simulation alive). snapshot() copies columns.
)doc")
        .def("kind", [](StoreView const& v) { return v.store->kind(); },
             "The agent kind, e.g. 'residents'.")
        .def("size", [](StoreView const& v) { return v.store->size(); }, "Rows (agents).")
        .def("__len__", [](StoreView const& v) { return v.store->size(); })
        .def("field_names", [](StoreView const& v) { return v.store->field_names(); },
             "Names of the fields (columns), in declaration order.")
        .def("has_field", [](StoreView const& v, std::string const& n) { return v.store->has_field(n); },
             py::arg("name"), "Whether the store has a field of this name.")
        .def("__contains__",
             [](StoreView const& v, std::string const& n) { return v.store->has_field(n); })
        .def("column", [](StoreView const& v, std::string const& n) { return column(v.owner, *v.store, n); },
             py::arg("name"), "A read-only numpy view of one field (typed as in C++).")
        .def("__getitem__",
             [](StoreView const& v, std::string const& n) { return column(v.owner, *v.store, n); },
             py::arg("name"))
        .def("ids", [](StoreView const& v) { return view(v.owner, v.store->ids()); },
             "uint32 agent ids (a view).")
        .def("bytes_per_agent", [](StoreView const& v) { return v.store->bytes_per_agent(); },
             "Bytes one agent takes over all fields (the store's memory per row).")
        .def(
            "snapshot",
            [](StoreView const& v, std::optional<std::vector<std::string>> const& fields) {
                py::dict d;
                d["id"] = view(v.owner, v.store->ids()).attr("copy")();
                for (auto const& n : fields.value_or(v.store->field_names())) {
                    d[py::str(n)] = column(v.owner, *v.store, n).attr("copy")();
                }
                return d;
            },
            py::arg("fields") = py::none(),
            "Copies of the ids and of the given fields (default: all) as a dict of numpy arrays, "
            "ready for pandas.DataFrame.")
        .def("__repr__", [](StoreView const& v) {
            return fmt::format("<tsunagi.AgentStore '{}': {} agents, {} fields>", v.store->kind(),
                               v.store->size(), v.store->field_names().size());
        });

    // Final: a Python subclass whose __init__ raised would leave an instance without its C++
    // object, and pybind11 crashes on method calls on it (tsunagi.Simulation wraps instead).
    py::class_<PySimulation>(m, "Simulation", py::is_final(), R"doc(
One simulation run (C++ tsunagi::Simulation): reads and validates the whole scenario, builds the
world and initialises the models; then step(n) or run(), and write(path) the HDF5 output.

threads: worker threads (0 = all cores); results are identical for any number.
check_invariants: check conservation and consistency after every tick (default: debug builds).
chunk_size: rows per parallel work chunk (0 = engine default; a testing aid).
Raises ScenarioError / DataError on bad input.
)doc")
        .def(py::init([](PyScenario const& scenario, int threads,
                         std::optional<bool> check_invariants, std::size_t chunk_size) {
                 if (threads < 0 || threads > 4096) {
                     throw ScenarioError(fmt::format(
                         "threads={}: give 0 (all cores) up to 4096. Fix: e.g. threads=2", threads));
                 }
                 RunOptions opt;
                 opt.threads = threads;
                 opt.check_invariants = check_invariants;
                 opt.chunk_size = chunk_size;
                 Scenario copy = scenario.rebuild();
                 auto ps = std::make_unique<PySimulation>();
                 py::gil_scoped_release release;
                 ps->sim = std::make_unique<Simulation>(std::move(copy), opt, default_model_registry());
                 return ps;
             }),
             py::arg("scenario"), py::arg("threads") = 0, py::arg("check_invariants") = py::none(),
             py::arg("chunk_size") = 0)
        .def_static(
            "check",
            [](PyScenario const& scenario) {
                Simulation::check(scenario.rebuild(), default_model_registry());
            },
            py::arg("scenario"),
            "Reads and checks every section of a scenario (types, ranges, unknown keys) without "
            "building the world: cheap. Raises ScenarioError.")
        .def_static(
            "restart",
            [](std::filesystem::path const& path, int threads) {
                RunOptions opt;
                opt.threads = threads;
                auto ps = std::make_unique<PySimulation>();
                py::gil_scoped_release release;
                ps->sim = Simulation::restart(path, opt, default_model_registry());
                return ps;
            },
            py::arg("path"), py::arg("threads") = 0,
            "Builds a run again from a checkpoint file (write_checkpoint) and restores its state; "
            "stepping on gives the same results as the uninterrupted run.")
        .def(
            "write_checkpoint",
            [](PySimulation& ps, std::filesystem::path const& path) {
                BusyGuard const busy(ps);
                py::gil_scoped_release release;
                ps.get().write_checkpoint(path);
            },
            py::arg("path"),
            "Writes the complete state to a checkpoint file (Simulation.restart(path) resumes "
            "it). Raises InputError if a model of the run cannot be checkpointed.")
        .def(
            "run",
            [](PySimulation& ps, py::object const& progress, Tick every) {
                step_chunked(ps, std::numeric_limits<Tick>::max() / 2, progress, every);
            },
            py::arg("progress") = py::none(), py::arg("every") = 0,
            "Runs to the end with the GIL released. progress(ticks_done, total_ticks) is called "
            "every `every` ticks (default: 1 % of the run). Ctrl-C raises KeyboardInterrupt "
            "between two ticks; calling run() again continues.")
        .def(
            "step",
            [](PySimulation& ps, Tick n) {
                if (n < 0) {
                    throw py::value_error("step(n): n must be ≥ 0");
                }
                step_chunked(ps, n, py::none(), n == 0 ? 1 : n);
            },
            py::arg("n") = 1, "Runs n ticks (fewer at the end of the run), GIL released.")
        .def("done", [](PySimulation& ps) { return ps.get().done(); }, "True at the end of the run.")
        .def_property_readonly("tick", [](PySimulation& ps) { return ps.get().engine().clock().tick(); },
                               "Ticks run so far (the index of the next tick).")
        .def_property_readonly("time_s", [](PySimulation& ps) { return ps.get().engine().clock().time_s(); },
                               "Seconds since the main shock at the current tick.")
        .def_property_readonly("total_ticks",
                               [](PySimulation& ps) { return ps.get().engine().clock().total_ticks(); })
        .def_property_readonly("tick_s", [](PySimulation& ps) { return ps.get().engine().clock().tick_s(); },
                               "The base tick in seconds (ticks may be longer after "
                               "scenario.coarse_after_s).")
        .def("time_of", [](PySimulation& ps, Tick t) { return ps.get().engine().clock().time_of(t); },
             py::arg("tick"), "Seconds since the main shock when tick `tick` starts.")
        .def("tick_at", [](PySimulation& ps, double s) { return ps.get().engine().clock().tick_at(s); },
             py::arg("seconds"), "The first tick that starts at or after `seconds`.")
        .def("threads", [](PySimulation& ps) { return ps.get().engine().pool().threads(); },
             "Worker threads in use.")
        .def("output", [](PySimulation& ps) { return output_dict(ps.get().output()); },
             "The run's output as in the HDF5 file (without /world), as a dict of dicts and "
             "numpy arrays: meta, run, zones, kpi, kpi_unit, kpi_description, by_zone, "
             "by_category, edges, facilities, time_s, timeseries.")
        .def(
            "kpis",
            [](PySimulation& ps) {
                py::dict d;
                Report const report = ps.get().engine().report();
                for (auto const& k : report.kpis()) {
                    d[py::str(k.name)] = kpi_value(k.value);
                }
                return d;
            },
            "The KPIs now, as {name: value}.")
        .def(
            "write",
            [](PySimulation& ps, std::filesystem::path const& path) {
                BusyGuard const busy(ps);
                py::gil_scoped_release release;
                ps.get().write(path);
            },
            py::arg("path"),
            "Writes the HDF5 output atomically (docs/output.md). Raises OutputError if it "
            "cannot.")
        .def("describe", [](PySimulation& ps) { return ps.get().describe(); },
             "What was loaded, as (item, value) rows (what `tsunagi validate` prints).")
        .def(
            "scenario",
            [](PySimulation& ps) {
                Scenario const& s = ps.get().scenario();
                return PyScenario{Scenario(s), s.resolved_yaml(), s.origin(), {}};
            },
            "A copy of the scenario, every default filled in.")
        .def(
            "config",
            [](PySimulation& ps) {
                auto const& c = ps.get().config();
                py::dict d;
                d["name"] = c.name;
                d["description"] = c.description;
                d["seed"] = c.seed;
                d["duration_s"] = c.duration_s;
                d["tick_s"] = c.tick_s;
                return d;
            },
            "The scenario: section as read (name, description, seed, duration_s, tick_s).")
        .def(
            "world",
            [](py::object self) {
                return make_world_view(self, self.cast<PySimulation&>().get().world());
            },
            "The digital twin: read-only numpy views of rasters, roads, state and facilities.")
        .def(
            "agents",
            [](py::object self, std::string const& kind) {
                auto& ps = self.cast<PySimulation&>();
                auto const& stores = ps.get().engine().stores();
                auto it = stores.find(kind);
                if (it == stores.end()) {
                    std::string kinds;
                    for (auto const& [k, s] : stores) {
                        kinds += (kinds.empty() ? "" : ", ") + k;
                    }
                    throw py::key_error(fmt::format("no agents of kind '{}'; this run has: {}",
                                                    kind, kinds.empty() ? "none" : kinds));
                }
                ps.viewed_sizes[kind] = it->second->size();
                return StoreView{self, it->second.get()};
            },
            py::arg("kind") = "resident", "The agent store of one kind, e.g. 'resident'.")
        .def(
            "agent_kinds",
            [](PySimulation& ps) {
                std::vector<std::string> kinds;
                for (auto const& [k, s] : ps.get().engine().stores()) {
                    kinds.push_back(k);
                }
                return kinds;
            },
            "Kinds of agent in this run.")
        .def("times", [](PySimulation& ps) {
                 auto const& t = ps.get().engine().recorder().times();
                 return copy(std::span(t.data(), t.size()));
             },
             "Time-series sample times so far (s).")
        .def(
            "series",
            [](PySimulation& ps, std::string const& name) {
                auto const& rec = ps.get().engine().recorder();
                for (auto const& s : rec.series()) {
                    if (s.name == name) {
                        auto const nz = static_cast<py::ssize_t>(rec.zone_count());
                        py::array_t<double> a({static_cast<py::ssize_t>(rec.times().size()), nz});
                        std::copy(s.values.begin(), s.values.end(), a.mutable_data());
                        return a;
                    }
                }
                throw py::key_error(fmt::format("no time series '{}'", name));
            },
            py::arg("name"), "One time series so far, a copy [time × zone] (zones as in world().zones).")
        .def(
            "series_names",
            [](PySimulation& ps) {
                std::vector<std::string> names;
                for (auto const& s : ps.get().engine().recorder().series()) {
                    names.push_back(s.name);
                }
                return names;
            },
            "Names of the recorded time series.")
        .def("init_seconds", [](PySimulation& ps) { return ps.get().init_seconds(); },
             "Wall time to build the world and initialise the models (s).")
        .def("run_seconds", [](PySimulation& ps) { return ps.get().run_seconds(); },
             "Wall time spent stepping (s).")
        .def("__repr__", [](PySimulation& ps) {
            auto& s = ps.get();
            return fmt::format("<tsunagi.Simulation '{}': tick {} of {} ({} s), {} residents>",
                               s.config().name, s.engine().clock().tick(),
                               s.engine().clock().total_ticks(), s.engine().clock().time_s(),
                               s.world().total_population());
        });
}

} // namespace tsunagi::python
