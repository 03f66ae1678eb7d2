#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/core/build_info.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/io/checksum.hpp>
#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/io/hdf5.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <limits>

#include <unistd.h>

namespace tsunagi {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Whole ticks in `seconds`; fails at `key` of `node` if it is not a whole number.
Tick whole_ticks(ConfigNode const& node, std::string_view key, double seconds, double tick_s) {
    double const n = seconds / tick_s;
    double const r = std::round(n);
    if (r < 1.0 || std::abs(n - r) > 1e-9 * std::max(1.0, r)) {
        node.fail(key,
                  fmt::format("{} s is not a whole number of base ticks of {} s", seconds, tick_s),
                  "make it a multiple of scenario.tick_s");
    }
    return static_cast<Tick>(r);
}
} // namespace

RunConfig RunConfig::from(ConfigNode const& n) {
    RunConfig c;
    c.name = n.string("name", c.name);
    c.description = n.string("description", "");
    c.seed = static_cast<std::uint64_t>(n.integer("seed", 1, Bounds::between(0, 9.0e15)));
    c.duration_s = n.number("duration_s", c.duration_s, Bounds::between(0, 1.0e8));
    c.tick_s = n.number("tick_s", c.tick_s, Bounds{0.01, 86400.0, false, false});
    c.coarse_tick_s = n.number("coarse_tick_s", 0.0, Bounds::between(0.0, 86400.0));
    c.coarse_after_s = n.number("coarse_after_s", 0.0, Bounds::between(0.0, 1.0e8));
    return c;
}

OutputConfig OutputConfig::from(ConfigNode const& n) {
    OutputConfig c;
    c.record_every_s = n.number("record_every_s", c.record_every_s, Bounds::positive());
    c.world_layers = n.boolean("world_layers", c.world_layers);
    return c;
}

Simulation::Simulation(Scenario scenario, RunOptions options, ModelRegistry const& registry)
    : scenario_(std::move(scenario)) {
    auto const t0 = std::chrono::steady_clock::now();
    comm_ = options.comm ? options.comm : std::make_shared<SerialCommunicator>();
    parallel_io_ = options.parallel_io;

    // 1. Read every section (cheap), so typos are reported before any expensive work.
    ConfigNode const root = scenario_.root();
    ConfigNode const run_node = root.child("scenario");
    run_ = RunConfig::from(run_node);
    ConfigNode const out_node = root.child("output");
    out_ = OutputConfig::from(out_node);
    event_ = EventConfig::from(root.child("event"));
    ConfigNode const world_node = root.child("world");
    world_source_ = world_node.choice("source", {"synthetic", "data"}, "synthetic");
    // Only the chosen source's section is read; the other one would be silently ignored.
    std::string const unused = world_source_ == "data" ? "synthetic" : "data";
    if (world_node.has(unused)) {
        world_node.fail(unused,
                        fmt::format("is given but world.source is '{}', so it would be ignored",
                                    world_source_),
                        fmt::format("remove world.{} or set world.source: {}", unused, unused));
    }
    if (world_source_ == "data") {
        data_ = DataWorldConfig::from(world_node.child("data"), scenario_.directory());
    } else {
        synthetic_ = SyntheticConfig::from(world_node.child("synthetic"));
    }
    std::vector<std::unique_ptr<Model>> models;
    for (auto const& entry : registry.entries()) {
        ConfigNode section = root;
        std::size_t start = 0;
        while (start <= entry.section.size()) {
            std::size_t const dot = entry.section.find('.', start);
            std::size_t const end = dot == std::string::npos ? entry.section.size() : dot;
            section = section.child(std::string_view(entry.section).substr(start, end - start));
            start = end + 1;
        }
        auto m = entry.factory();
        m->configure(section);
        models.push_back(std::move(m));
    }
    scenario_.check_unknown();
    Tick total = run_.duration_s == 0.0
                     ? 0
                     : whole_ticks(run_node, "duration_s", run_.duration_s, run_.tick_s);
    Tick coarse_from = std::numeric_limits<Tick>::max();
    if (run_.coarse_tick_s > 0.0 && run_.coarse_after_s < run_.duration_s) {
        Tick const ratio = whole_ticks(run_node, "coarse_tick_s", run_.coarse_tick_s, run_.tick_s);
        coarse_from = run_.coarse_after_s == 0.0
                          ? 0
                          : whole_ticks(run_node, "coarse_after_s", run_.coarse_after_s, run_.tick_s);
        Tick const rest = total - coarse_from;
        if (rest % ratio != 0) {
            run_node.fail("duration_s",
                          fmt::format("the {} s after coarse_after_s are not a whole number of "
                                      "coarse ticks of {} s",
                                      run_.duration_s - run_.coarse_after_s, run_.coarse_tick_s),
                          "make duration_s - coarse_after_s a multiple of coarse_tick_s");
        }
        total = coarse_from + rest / ratio;
    }
    Tick const record_every =
        whole_ticks(out_node, "record_every_s", out_.record_every_s, run_.tick_s);

    if (options.validate_only) {
        return;
    }
    if (std::filesystem::is_regular_file(scenario_.origin())) {
        inputs_.emplace_back(scenario_.origin(), sha256_file(scenario_.origin()));
    }

    // 2. Build the world.
    if (data_) {
        world_ = std::make_unique<World>(make_data_world(*data_, data_report_));
        for (auto const& f : data_->input_files()) {
            inputs_.emplace_back(f.lexically_normal().string(), sha256_file(f));
        }
    } else {
        world_ = std::make_unique<World>(make_synthetic_world(synthetic_, &synthetic_report_));
    }
    if (synthetic_report_.dropped_nodes > 0) {
        spdlog::info("synthetic roads: kept the largest connected network; dropped {} nodes and "
                     "{} edges not connected to it",
                     synthetic_report_.dropped_nodes, synthetic_report_.dropped_edges);
    }

    // 3. Who owns what, when several ranks share the run.
    world_->partition.rank = comm_->rank();
    world_->partition.ranks = comm_->size();
    if (comm_->size() > 1) {
        if (!options.partitioner) {
            throw ModelError("a run on several ranks needs a partitioner (RunOptions::partitioner)");
        }
        world_->partition.node_rank = options.partitioner(*world_, *comm_);
    }

    // 4. The engine and the models.
    EngineOptions eo;
    eo.tick_s = run_.tick_s;
    eo.total_ticks = total;
    if (coarse_from != std::numeric_limits<Tick>::max()) {
        eo.coarse_tick_s = run_.coarse_tick_s;
        eo.coarse_from = coarse_from;
    }
    eo.seed = run_.seed;
    eo.threads = options.threads;
    eo.check_invariants = options.check_invariants.value_or(debug_build());
    eo.record_every = record_every;
    eo.event = event_;
    eo.fail_rank = options.fail_rank;
    eo.fail_tick = options.fail_tick;
    if (options.chunk_size > 0) {
        eo.chunk_size = options.chunk_size;
    }
    engine_ = std::make_unique<Engine>(*world_, eo, *comm_);
    for (auto& m : models) {
        engine_->add_model(std::move(m));
    }
    engine_->initialize();
    init_s_ = seconds_since(t0);
}

Simulation::~Simulation() = default;

void Simulation::check(Scenario scenario, ModelRegistry const& registry) {
    RunOptions o;
    o.validate_only = true;
    Simulation const sim(std::move(scenario), o, registry);
}

void Simulation::run(std::function<void(Tick, Tick)> const& progress) {
    auto const t0 = std::chrono::steady_clock::now();
    engine_->run(progress);
    run_s_ += seconds_since(t0);
}

void Simulation::step(Tick n) {
    auto const t0 = std::chrono::steady_clock::now();
    for (Tick i = 0; i < n && !engine_->clock().done(); ++i) {
        engine_->step();
    }
    run_s_ += seconds_since(t0);
}

bool Simulation::done() const noexcept { return engine_->clock().done(); }

RunOutput Simulation::output() const {
    RunOutput out;
    auto& m = out.meta;
    m.emplace_back("version", version());
    m.emplace_back("git_revision", git_revision());
    m.emplace_back("build_type", build_type());
    m.emplace_back("seed", static_cast<std::int64_t>(run_.seed));
    m.emplace_back("threads", static_cast<std::int64_t>(engine_->pool().threads()));
    m.emplace_back("ranks", static_cast<std::int64_t>(comm_->size()));
    m.emplace_back("scenario_name", run_.name);
    m.emplace_back("scenario_file", scenario_.origin());
    m.emplace_back("scenario", scenario_.resolved_yaml());
    m.emplace_back("world_source", world_source_);
    m.emplace_back("time_of_day", std::string(to_string(event_.time_of_day)));
    m.emplace_back("tick_s", run_.tick_s);
    m.emplace_back("duration_s", run_.duration_s);
    m.emplace_back("ticks", static_cast<std::int64_t>(engine_->clock().total_ticks()));
    m.emplace_back("ticks_run", static_cast<std::int64_t>(engine_->clock().tick()));
    m.emplace_back("record_every_s", out_.record_every_s);
    std::string inputs;
    for (auto const& [file, sum] : inputs_) {
        inputs += fmt::format("{}  sha256:{}\n", file, sum);
    }
    m.emplace_back("inputs", inputs);

    // Timings differ between ranks: keep the slowest rank's (every rank must hold the same
    // output for a collective write), and rank 0's clock for the date.
    Bytes stamp;
    if (comm_->is_root()) {
        std::string const now = fmt::format(
            "{:%Y-%m-%dT%H:%M:%SZ}",
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
        stamp.assign(reinterpret_cast<std::byte const*>(now.data()),
                     reinterpret_cast<std::byte const*>(now.data()) + now.size());
    }
    comm_->broadcast(stamp, 0);
    auto& r = out.run;
    r.emplace_back("created_utc", std::string(reinterpret_cast<char const*>(stamp.data()),
                                              stamp.size()));
    std::vector<std::pair<std::string, double>> times{
        {"init_time_s", init_s_},
        {"run_time_s", run_s_},
        {"events_s", engine_->events_seconds()},
        {"record_s", engine_->record_seconds()},
        {"invariant_checks_s", engine_->check_seconds()}};
    for (auto const& t : engine_->timings()) {
        times.emplace_back("task." + t.name + "_s", t.seconds);
    }
    std::vector<double> values;
    for (auto const& [k, v] : times) {
        values.push_back(v);
    }
    comm_->allreduce_max(values);
    for (std::size_t i = 0; i < times.size(); ++i) {
        r.emplace_back(times[i].first, values[i]);
    }
    std::vector<std::int64_t> sizes;
    for (auto const& [kind, store] : engine_->stores()) {
        sizes.push_back(static_cast<std::int64_t>(store->size())); // rows held, all ranks
    }
    comm_->allreduce_sum(sizes);
    std::int64_t bytes = 0;
    std::size_t k = 0;
    for (auto const& [kind, store] : engine_->stores()) {
        bytes += sizes[k] * static_cast<std::int64_t>(store->bytes_per_agent());
        r.emplace_back("agents." + kind, sizes[k]);
        r.emplace_back("agents." + kind + ".bytes_per_agent",
                       static_cast<std::int64_t>(store->bytes_per_agent()));
        ++k;
    }
    r.emplace_back("agent_store_bytes", bytes);

    out.zones.assign(world_->zones.all().begin(), world_->zones.all().end());
    Report const rep = engine_->report();
    out.kpis = rep.kpis();
    out.by_zone = rep.by_zone();
    out.by_category = rep.by_category();
    out.edges = rep.edges();
    out.facilities = rep.facilities();
    auto const& rec = engine_->recorder();
    out.times_s = rec.times();
    for (auto const& s : rec.series()) {
        out.series.push_back(RunOutput::Series{s.name, s.unit, s.description, s.values});
    }
    out.event_kinds = rec.event_kinds();
    out.events = rec.events();
    return out;
}

void Simulation::write(std::filesystem::path const& path) const {
    RunOutput const out = output();
    World const* world = out_.world_layers ? world_.get() : nullptr;
    if (comm_->size() > 1 && parallel_io_) {
        // One file, written collectively: the same name on every rank (rank 0's pid).
        Bytes suffix;
        if (comm_->is_root()) {
            std::string const s = fmt::format(".tmp-{}", ::getpid());
            suffix.assign(reinterpret_cast<std::byte const*>(s.data()),
                          reinterpret_cast<std::byte const*>(s.data()) + s.size());
        }
        comm_->broadcast(suffix, 0);
        ParallelOutput par;
        auto const [fapl_id, dxpl_id] = parallel_io_();
        h5::Handle const fapl(fapl_id);
        h5::Handle const dxpl(dxpl_id);
        par.fapl = fapl.id();
        par.dxpl = dxpl.id();
        par.writer = comm_->is_root();
        par.tmp_suffix.assign(reinterpret_cast<char const*>(suffix.data()), suffix.size());
        par.barrier = [this] { comm_->barrier(); };
        write_run_output(path, out, world, &par);
    } else if (comm_->is_root()) {
        write_run_output(path, out, world);
    }
}

std::filesystem::path Simulation::checkpoint_file(std::filesystem::path const& path, int rank,
                                                  int ranks) {
    if (ranks <= 1) {
        return path;
    }
    std::filesystem::path p = path;
    p.replace_extension(fmt::format(".rank{}{}", rank, path.extension().string()));
    return p;
}

void Simulation::write_checkpoint(std::filesystem::path const& path) const {
    std::string blocker;
    if (!engine_->checkpointable(&blocker)) {
        throw ScenarioError(fmt::format("checkpoints: the model '{}' in this run cannot be "
                                        "checkpointed yet. Fix: run without --checkpoint-every",
                                        blocker));
    }
    std::filesystem::path const file = checkpoint_file(path, comm_->rank(), comm_->size());
    if (file.has_parent_path()) {
        std::filesystem::create_directories(file.parent_path());
    }
    std::filesystem::path tmp = file;
    tmp += fmt::format(".tmp-{}", ::getpid());
    std::error_code ec;
    try {
        auto f = h5::File::create(tmp);
        auto meta = f.root().create_group("meta");
        meta.write_attr("version", version());
        meta.write_attr("git_revision", git_revision());
        meta.write_attr("scenario", scenario_.resolved_yaml());
        meta.write_attr("scenario_file", scenario_.origin());
        meta.write_attr("tick", static_cast<std::int64_t>(engine_->clock().tick()));
        meta.write_attr("time_s", engine_->clock().time_s());
        meta.write_attr("rank", static_cast<std::int64_t>(comm_->rank()));
        meta.write_attr("ranks", static_cast<std::int64_t>(comm_->size()));
        CheckpointWriter w(f.root().create_group("state"));
        engine_->save(w);
        f.close();
        std::filesystem::rename(tmp, file, ec);
        if (ec) {
            throw OutputError(fmt::format("{}: cannot move the checkpoint into place ({})",
                                          file.string(), ec.message()));
        }
    } catch (...) {
        std::filesystem::remove(tmp, ec);
        throw;
    }
}

std::unique_ptr<Simulation> Simulation::restart(std::filesystem::path const& path,
                                                RunOptions options, ModelRegistry const& registry) {
    int const rank = options.comm ? options.comm->rank() : 0;
    int const ranks = options.comm ? options.comm->size() : 1;
    std::filesystem::path const file = checkpoint_file(path, rank, ranks);
    if (!std::filesystem::exists(file)) {
        bool const per_rank = path.stem().string().find(".rank") != std::string::npos;
        throw InputError(fmt::format(
            "{}: checkpoint not found. Fix: {}", file.string(),
            per_rank ? "give the checkpoint's name without .rank<N> (each rank opens its own file)"
            : ranks > 1
                ? fmt::format("each of the {} ranks opens its own <prefix>_t<tick>.rank<N>.h5: "
                              "restart on as many ranks as wrote the checkpoint, giving "
                              "<prefix>_t<tick>.h5",
                              ranks)
                : "give a file written by tsunagi run --checkpoint-every"));
    }
    auto f = h5::File::open(file);
    if (!f.root().has("meta") || !f.root().has("state")) {
        throw DataError(fmt::format("{}: not a Tsunagi checkpoint (no /meta and /state). Fix: give "
                                    "a file written with --checkpoint-every",
                                    file.string()));
    }
    auto meta = f.root().open_group("meta");
    auto const text = meta.read_attr("scenario");
    auto const written_ranks = meta.read_attr("ranks");
    if (!text || !written_ranks) {
        throw DataError(fmt::format("{}: incomplete checkpoint metadata", file.string()));
    }
    auto const n = std::get<std::int64_t>(*written_ranks);
    if (n != ranks) {
        throw InputError(fmt::format("{}: written by a run on {} ranks; this one has {}. Fix: "
                                     "restart with mpiexec -n {}",
                                     file.string(), n, ranks, n));
    }
    Scenario s = Scenario::from_string(std::get<std::string>(*text), file.string() + " (scenario)");
    auto sim = std::make_unique<Simulation>(std::move(s), std::move(options), registry);
    std::string blocker;
    if (!sim->engine_->checkpointable(&blocker)) {
        throw InputError(fmt::format("{}: the model '{}' cannot be restored from a checkpoint",
                                     file.string(), blocker));
    }
    sim->engine_->load(CheckpointReader(f.root().open_group("state")));
    return sim;
}

std::vector<std::pair<std::string, std::string>> Simulation::describe() const {
    std::vector<std::pair<std::string, std::string>> rows;
    auto const& w = *world_;
    auto const& g = w.grid;
    rows.emplace_back("scenario", fmt::format("{} ({})", run_.name, scenario_.origin()));
    rows.emplace_back("world", w.name);
    if (data_) {
        // What the data loaders read: files, CRS, extent, counts, what was dropped.
        rows.insert(rows.end(), data_report_.rows.begin(), data_report_.rows.end());
    } else {
        rows.emplace_back("grid", fmt::format("{} × {} cells of {} m ({:.1f} km × {:.1f} km)",
                                              g.nx(), g.ny(), g.transform().dx,
                                              g.width_m() / 1000.0, g.height_m() / 1000.0));
        rows.emplace_back("CRS",
                          fmt::format("EPSG:{} ({})",
                                      utm_epsg_for(synthetic_.origin_lon, synthetic_.origin_lat),
                                      "projected, metres"));
        rows.emplace_back("population", fmt::format("{}", w.total_population()));
        rows.emplace_back("inundated cells", fmt::format("{} of {}", w.inundated_cells.size(),
                                                         g.cells()));
        rows.emplace_back("road network",
                          fmt::format("{} nodes, {} directed edges ({} nodes / {} edges dropped "
                                      "outside the largest component)",
                                      w.roads.node_count(), w.roads.edge_count(),
                                      synthetic_report_.dropped_nodes,
                                      synthetic_report_.dropped_edges));
    }
    std::int64_t cap = 0;
    auto shelters = w.facilities.of_kind(FacilityKind::Shelter);
    for (auto f : shelters) {
        cap += w.facilities[f].capacity;
    }
    rows.emplace_back("shelters", fmt::format("{} (capacity {})", shelters.size(), cap));
    rows.emplace_back("supply hubs",
                      fmt::format("{}", w.facilities.of_kind(FacilityKind::Hub).size()));
    rows.emplace_back("zones",
                      fmt::format("{} country, {} prefecture(s), {} municipalities",
                                  w.zones.at_level(ZoneLevel::Country).size(),
                                  w.zones.at_level(ZoneLevel::Prefecture).size(),
                                  w.zones.at_level(ZoneLevel::Municipality).size()));
    std::string models;
    for (auto const& m : engine_->models()) {
        models += (models.empty() ? "" : ", ") + std::string(m->name());
    }
    rows.emplace_back("models", models);
    rows.emplace_back("time", fmt::format("{} s in {} ticks of {} s; seed {}; event at {}",
                                          run_.duration_s, engine_->clock().total_ticks(),
                                          run_.tick_s, run_.seed, to_string(event_.time_of_day)));
    for (auto const& [kind, store] : engine_->stores()) {
        rows.emplace_back("agents: " + kind, fmt::format("{} ({} bytes each)", store->size(),
                                                         store->bytes_per_agent()));
    }
    rows.emplace_back("threads", fmt::format("{}", engine_->pool().threads()));
    if (data_) {
        auto const& all = data_report_.warnings.all();
        rows.emplace_back("data warnings",
                          fmt::format("{} (each counted below; none stops the run)", all.size()));
        for (auto const& d : all) {
            rows.emplace_back("  warning",
                              fmt::format("{}: {}: {} record{}{}", d.file, d.problem, d.count,
                                          d.count == 1 ? "" : "s",
                                          d.examples.empty() ? "" : " (" + d.examples + ")"));
        }
    }
    return rows;
}

} // namespace tsunagi
