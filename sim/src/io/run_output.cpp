#include <tsunagi/core/error.hpp>
#include <tsunagi/io/hdf5.hpp>
#include <tsunagi/io/run_output.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <map>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace tsunagi {

RunOutput::MetaValue const* RunOutput::find_meta(std::string const& name) const noexcept {
    for (auto const& [k, v] : meta) {
        if (k == name) {
            return &v;
        }
    }
    return nullptr;
}

Report::Kpi const* RunOutput::find_kpi(std::string const& name) const noexcept {
    for (auto const& k : kpis) {
        if (k.name == name) {
            return &k;
        }
    }
    return nullptr;
}

RunOutput::Series const* RunOutput::find_series(std::string const& name) const noexcept {
    for (auto const& s : series) {
        if (s.name == name) {
            return &s;
        }
    }
    return nullptr;
}

namespace {

void write_attrs(h5::Group& g, std::vector<std::pair<std::string, RunOutput::MetaValue>> const& a) {
    for (auto const& [k, v] : a) {
        std::visit([&](auto const& x) { g.write_attr(k, x); }, v);
    }
}

void write_world(h5::Group& w, World const& world) {
    auto const& grid = world.grid;
    w.write_attr("name", world.name);
    w.write_attr("source", world.source);
    w.write_attr("crs_wkt", grid.crs_wkt());
    auto gt = grid.transform().to_gdal();
    w.write_attr("geotransform", std::span<double const>(gt));
    w.write_attr("nx", static_cast<std::int64_t>(grid.nx()));
    w.write_attr("ny", static_cast<std::int64_t>(grid.ny()));
    std::vector<std::uint64_t> const dims{static_cast<std::uint64_t>(grid.ny()),
                                          static_cast<std::uint64_t>(grid.nx())};
    w.write("elevation_m", std::span<float const>(world.elevation_m.data), dims);
    w.write("population", std::span<std::uint32_t const>(world.population.data), dims);
    w.write("zone", std::span<std::int32_t const>(world.zone.data), dims);
    w.write("tsunami_max_depth_m", std::span<float const>(world.tsunami_max_depth_m.data), dims);
    w.write("tsunami_arrival_s", std::span<float const>(world.tsunami_arrival_s.data), dims);
    for (auto const& [name, layer] : world.layers) {
        w.write(name, std::span<float const>(layer.data), dims);
    }

    auto const& g = world.roads;
    auto r = w.create_group("roads");
    std::uint64_t const n = g.node_count();
    std::uint64_t const m = g.edge_count();
    r.write("node_x", g.node_x(), {n});
    r.write("node_y", g.node_y(), {n});
    r.write("edge_source", std::span<std::uint32_t const>(g.source()), {m});
    r.write("edge_target", std::span<std::uint32_t const>(g.target()), {m});
    r.write("edge_length_m", g.length_m(), {m});
    r.write("edge_width_m", g.width_m(), {m});
    std::vector<std::uint8_t> cls(m);
    for (std::size_t e = 0; e < m; ++e) {
        cls[e] = static_cast<std::uint8_t>(g.road_class()[e]);
    }
    r.write("edge_class", std::span<std::uint8_t const>(cls), {m});
    r.write("edge_open", std::span<std::uint8_t const>(g.state().open), {m});
    for (auto const& [name, values] : world.edge_layers) {
        r.write("edge_" + name, std::span<float const>(values), {m});
    }

    auto const& fac = world.facilities;
    auto f = w.create_group("facilities");
    std::uint64_t const nf = fac.size();
    std::vector<std::string> kind, ext, name;
    std::vector<double> x, y;
    std::vector<std::int32_t> cap, zone;
    std::vector<std::uint32_t> node;
    std::vector<float> backup;
    for (auto const& it : fac.all()) {
        backup.push_back(it.backup_hours);
        kind.emplace_back(to_string(it.kind));
        ext.push_back(it.external_id);
        name.push_back(it.name);
        x.push_back(it.x);
        y.push_back(it.y);
        cap.push_back(it.capacity);
        zone.push_back(it.zone == kNoZone ? -1 : static_cast<std::int32_t>(it.zone));
        node.push_back(it.node);
    }
    f.write_strings("kind", kind);
    f.write_strings("external_id", ext);
    f.write_strings("name", name);
    f.write("x", std::span<double const>(x), {nf});
    f.write("y", std::span<double const>(y), {nf});
    f.write("capacity", std::span<std::int32_t const>(cap), {nf});
    f.write("zone", std::span<std::int32_t const>(zone), {nf});
    f.write("node", std::span<std::uint32_t const>(node), {nf});
    f.write("occupancy_final", std::span<std::int32_t const>(fac.occupancy()), {nf});
    f.write("backup_hours", std::span<float const>(backup), {nf});
    f.write("open_final", std::span<std::uint8_t const>(fac.open()), {nf});
}

void write_events(h5::Group& root, RunOutput const& out) {
    auto ev = root.create_group("events");
    std::vector<std::string> names, subjects, descriptions;
    for (auto const& k : out.event_kinds) {
        names.push_back(k.name);
        subjects.push_back(to_string(k.subject));
        descriptions.push_back(k.description);
    }
    ev.write_strings("kinds", names);
    ev.write_strings("kind_subject", subjects);
    ev.write_strings("kind_description", descriptions);
    auto const& r = out.events;
    std::uint64_t const n = r.size();
    std::vector<std::int32_t> kind(r.kind.begin(), r.kind.end());
    ev.write("time_s", std::span<double const>(r.time_s), {n});
    ev.write("kind", std::span<std::int32_t const>(kind), {n});
    ev.write("subject", std::span<std::int64_t const>(r.subject), {n});
    ev.write("count", std::span<std::int64_t const>(r.count), {n});
    ev.write_dataset_attr("kind", "description", "index into /events/kinds");
    ev.write_dataset_attr("subject", "description",
                          "index of the zone (/zones), facility (/world/facilities) or road edge "
                          "(/world/roads) named by /events/kind_subject");
    ev.write_dataset_attr("count", "description",
                          "how many times it happened in the sampling interval ending at time_s");
}

} // namespace

void write_run_groups(h5::Group& root, RunOutput const& out, World const* world) {
    auto meta = root.create_group("meta");
    write_attrs(meta, out.meta);
    auto run = meta.create_group("run");
    write_attrs(run, out.run);

    auto z = root.create_group("zones");
    std::vector<std::string> code, name;
    std::vector<std::int8_t> level;
    std::vector<std::int32_t> parent;
    for (auto const& zone : out.zones) {
        code.push_back(zone.code);
        name.push_back(zone.name);
        level.push_back(static_cast<std::int8_t>(zone.level));
        parent.push_back(zone.parent);
    }
    std::uint64_t const nz = out.zones.size();
    z.write_strings("code", code);
    z.write_strings("name", name);
    z.write("level", std::span<std::int8_t const>(level), {nz});
    z.write("parent", std::span<std::int32_t const>(parent), {nz});
    z.write_dataset_attr("level", "meaning", "0 = country, 1 = prefecture, 2 = municipality");

    auto kpi = root.create_group("kpi");
    for (auto const& k : out.kpis) {
        std::visit([&](auto v) { kpi.write_scalar(k.name, v); }, k.value);
        kpi.write_dataset_attr(k.name, "unit", k.unit);
        kpi.write_dataset_attr(k.name, "description", k.description);
    }
    auto bz = kpi.create_group("by_zone");
    for (auto const& k : out.by_zone) {
        std::visit(
            [&](auto const& v) {
                using T = typename std::decay_t<decltype(v)>::value_type;
                bz.write(k.name, std::span<T const>(v), {v.size()});
            },
            k.values);
        bz.write_dataset_attr(k.name, "unit", k.unit);
        bz.write_dataset_attr(k.name, "description", k.description);
    }

    std::map<std::string, h5::Group> categories;
    for (auto const& k : out.by_category) {
        auto it = categories.find(k.category);
        if (it == categories.end()) {
            auto g = kpi.create_group("by_" + k.category);
            g.write_strings("labels", k.labels);
            it = categories.emplace(k.category, std::move(g)).first;
        }
        it->second.write(k.name, std::span<std::int64_t const>(k.values), {k.values.size()});
        it->second.write_dataset_attr(k.name, "unit", k.unit);
        it->second.write_dataset_attr(k.name, "description", k.description);
    }
    for (auto const& [group, items] :
         {std::pair{"edges", &out.edges}, std::pair{"facilities", &out.facilities}}) {
        if (items->empty()) {
            continue;
        }
        auto g = root.create_group(group);
        for (auto const& a : *items) {
            std::vector<float> v(a.values.begin(), a.values.end()); // float32 is plenty here
            g.write(a.name, std::span<float const>(v), {v.size()});
            g.write_dataset_attr(a.name, "unit", a.unit);
            g.write_dataset_attr(a.name, "description", a.description);
        }
    }

    auto ts = root.create_group("timeseries");
    std::uint64_t const nt = out.times_s.size();
    ts.write("time_s", std::span<double const>(out.times_s), {nt});
    for (auto const& s : out.series) {
        ts.write(s.name, std::span<double const>(s.values), {nt, nz});
        ts.write_dataset_attr(s.name, "unit", s.unit);
        ts.write_dataset_attr(s.name, "description", s.description);
        ts.write_dataset_attr(s.name, "dims", "time × zone (rows: /timeseries/time_s, columns: "
                                              "/zones/code)");
    }
    write_events(root, out);
    if (world != nullptr) {
        auto w = root.create_group("world");
        write_world(w, *world);
    }
}

void check_output_path(std::filesystem::path const& path) {
    std::error_code ec;
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            throw OutputError(fmt::format("{}: cannot create the directory {} ({}). Fix: choose a "
                                          "writable location with -o",
                                          path.string(), path.parent_path().string(),
                                          ec.message()));
        }
    }
    if (std::filesystem::is_directory(path, ec)) {
        throw OutputError(fmt::format("{}: is a directory. Fix: give a file name, e.g. -o "
                                      "{}/run.h5",
                                      path.string(), path.string()));
    }
    std::filesystem::path probe = path;
    probe += fmt::format(".tmp-{}", ::getpid());
    {
        std::ofstream f(probe, std::ios::binary);
        if (!f) {
            throw OutputError(fmt::format("{}: cannot write there ({}). Fix: choose a writable "
                                          "location with -o",
                                          path.string(), std::strerror(errno)));
        }
    }
    std::filesystem::remove(probe, ec);
}

void write_run_output(std::filesystem::path const& path, RunOutput const& out, World const* world,
                      ParallelOutput const* parallel) {
    std::error_code ec;
    bool const writer = parallel == nullptr || parallel->writer;
    if (writer && path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            throw OutputError(fmt::format("{}: cannot create the directory {} ({}). Fix: choose a "
                                          "writable location with -o",
                                          path.string(), path.parent_path().string(),
                                          ec.message()));
        }
    }
    if (writer && std::filesystem::is_directory(path, ec)) {
        throw OutputError(fmt::format("{}: is a directory. Fix: give a file name, e.g. -o "
                                      "{}/run.h5",
                                      path.string(), path.string()));
    }
    std::filesystem::path tmp = path;
    tmp += parallel != nullptr ? parallel->tmp_suffix : fmt::format(".tmp-{}", ::getpid());
    if (parallel != nullptr && parallel->barrier) {
        parallel->barrier(); // the directory exists for everyone
    }
    try {
        auto file = parallel != nullptr
                        ? h5::File::create(tmp, parallel->fapl, parallel->writer, parallel->dxpl)
                        : h5::File::create(tmp);
        try {
            write_run_groups(file.root(), out, world);
        } catch (IoError const& e) {
            // The file could be created, so this is the disk (full, quota), not a bug.
            throw OutputError(fmt::format("{}: writing the output failed: {}. Fix: check free "
                                          "disk space and quotas",
                                          path.string(), e.what()));
        }
        file.close();
        if (parallel != nullptr && parallel->barrier) {
            parallel->barrier(); // every rank has closed its handle
        }
        if (!writer) {
            return;
        }
        std::filesystem::rename(tmp, path, ec);
        if (ec) {
            throw OutputError(fmt::format("{}: cannot move the finished file into place ({}). "
                                          "Fix: check permissions of the directory",
                                          path.string(), ec.message()));
        }
    } catch (...) {
        if (writer) {
            std::filesystem::remove(tmp, ec);
        }
        throw;
    }
}

RunOutput read_run_output(std::filesystem::path const& path) {
    auto file = h5::File::open(path);
    auto& root = file.root();
    for (char const* g : {"meta", "kpi", "timeseries", "zones"}) {
        if (!root.has(g)) {
            throw DataError(fmt::format("{}: no /{} group: not a Tsunagi output file (or written "
                                        "by a failed run)",
                                        path.string(), g));
        }
    }
    RunOutput out;
    auto meta = root.open_group("meta");
    for (auto const& name : meta.attr_names()) {
        auto v = meta.read_attr(name);
        if (!v) {
            continue;
        }
        if (auto const* i = std::get_if<std::int64_t>(&*v)) {
            out.meta.emplace_back(name, *i);
        } else if (auto const* d = std::get_if<double>(&*v)) {
            out.meta.emplace_back(name, *d);
        } else if (auto const* s = std::get_if<std::string>(&*v)) {
            out.meta.emplace_back(name, *s);
        }
    }
    if (meta.has("run")) {
        auto run = meta.open_group("run");
        for (auto const& name : run.attr_names()) {
            auto v = run.read_attr(name);
            if (v && std::holds_alternative<double>(*v)) {
                out.run.emplace_back(name, std::get<double>(*v));
            } else if (v && std::holds_alternative<std::int64_t>(*v)) {
                out.run.emplace_back(name, std::get<std::int64_t>(*v));
            } else if (v && std::holds_alternative<std::string>(*v)) {
                out.run.emplace_back(name, std::get<std::string>(*v));
            }
        }
    }
    auto z = root.open_group("zones");
    auto code = z.read_strings("code");
    auto name = z.read_strings("name");
    auto level = z.read_int64s("level");
    auto parent = z.read_int64s("parent");
    for (std::size_t i = 0; i < code.size(); ++i) {
        out.zones.push_back(Zone{code[i], name.at(i), static_cast<ZoneLevel>(level.at(i)),
                                 static_cast<std::int32_t>(parent.at(i))});
    }
    auto kpi = root.open_group("kpi");
    for (auto const& k : kpi.children()) {
        if (kpi.is_group(k)) {
            continue;
        }
        Report::Kpi item;
        item.name = k;
        if (kpi.type_of(k) == h5::Type::Float64 || kpi.type_of(k) == h5::Type::Float32) {
            item.value = kpi.read_doubles(k).at(0);
        } else {
            item.value = kpi.read_int64s(k).at(0);
        }
        item.unit = kpi.read_dataset_attr(k, "unit").value_or("");
        item.description = kpi.read_dataset_attr(k, "description").value_or("");
        out.kpis.push_back(std::move(item));
    }
    if (kpi.has("by_zone")) {
        auto bz = kpi.open_group("by_zone");
        for (auto const& k : bz.children()) {
            Report::ZoneKpi item;
            item.name = k;
            if (bz.type_of(k) == h5::Type::Float64 || bz.type_of(k) == h5::Type::Float32) {
                item.values = bz.read_doubles(k);
            } else {
                item.values = bz.read_int64s(k);
            }
            item.unit = bz.read_dataset_attr(k, "unit").value_or("");
            item.description = bz.read_dataset_attr(k, "description").value_or("");
            out.by_zone.push_back(std::move(item));
        }
    }
    for (auto const& gname : kpi.children()) {
        if (!kpi.is_group(gname) || gname == "by_zone" || !gname.starts_with("by_")) {
            continue;
        }
        auto g = kpi.open_group(gname);
        auto labels = g.read_strings("labels");
        for (auto const& k : g.children()) {
            if (k == "labels") {
                continue;
            }
            out.by_category.push_back(Report::CategoryKpi{
                gname.substr(3), labels, k, g.read_int64s(k),
                g.read_dataset_attr(k, "unit").value_or(""),
                g.read_dataset_attr(k, "description").value_or("")});
        }
    }
    for (auto const& [group, items] :
         {std::pair{"edges", &out.edges}, std::pair{"facilities", &out.facilities}}) {
        if (!root.has(group)) {
            continue;
        }
        auto g = root.open_group(group);
        for (auto const& k : g.children()) {
            items->push_back(Report::ArrayKpi{k, g.read_doubles(k),
                                              g.read_dataset_attr(k, "unit").value_or(""),
                                              g.read_dataset_attr(k, "description").value_or("")});
        }
    }
    auto ts = root.open_group("timeseries");
    out.times_s = ts.read_doubles("time_s");
    for (auto const& k : ts.children()) {
        if (k == "time_s") {
            continue;
        }
        RunOutput::Series s;
        s.name = k;
        s.values = ts.read_doubles(k);
        s.unit = ts.read_dataset_attr(k, "unit").value_or("");
        s.description = ts.read_dataset_attr(k, "description").value_or("");
        out.series.push_back(std::move(s));
    }
    if (root.has("events")) {
        auto ev = root.open_group("events");
        auto const names = ev.read_strings("kinds");
        auto const subjects = ev.read_strings("kind_subject");
        auto const descriptions = ev.read_strings("kind_description");
        for (std::size_t i = 0; i < names.size() && i < subjects.size(); ++i) {
            EventSubject const s = subjects[i] == "facility" ? EventSubject::Facility
                                   : subjects[i] == "edge"   ? EventSubject::Edge
                                                             : EventSubject::Zone;
            out.event_kinds.push_back(
                EventKind{names[i], s, i < descriptions.size() ? descriptions[i] : ""});
        }
        out.events.time_s = ev.read_doubles("time_s");
        for (auto k : ev.read_int64s("kind")) {
            out.events.kind.push_back(static_cast<std::uint16_t>(k));
        }
        out.events.subject = ev.read_int64s("subject");
        out.events.count = ev.read_int64s("count");
    }
    return out;
}

} // namespace tsunagi
