#include <tsunagi/core/batch.hpp>
#include <tsunagi/core/build_info.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/io/hdf5.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unistd.h>

namespace tsunagi {

BatchSpec BatchSpec::load(std::filesystem::path const& file, ModelRegistry const& registry,
                          std::vector<std::string> const& overrides) {
    Scenario sweep = Scenario::load(file);
    BatchSpec b;
    b.origin = file.string();
    b.overrides = overrides;
    ConfigNode const n = sweep.root().child("batch");
    b.name = n.string("name", file.stem().string());
    std::string const rel = n.required_string("scenario");
    b.scenario = std::filesystem::path(rel).is_absolute() ? std::filesystem::path(rel)
                                                          : sweep.directory() / rel;
    if (!std::filesystem::is_regular_file(b.scenario)) {
        n.fail("scenario", fmt::format("{} does not exist", b.scenario.string()),
               "give the scenario's path relative to the sweep file");
    }
    if (n.is_map("seeds")) {
        auto s = n.child("seeds");
        auto const first = s.integer("first", 1, Bounds::between(0, 9.0e15));
        auto const count = s.integer("count", 1, Bounds::between(1, 1.0e6));
        for (std::int64_t i = 0; i < count; ++i) {
            b.seeds.push_back(static_cast<std::uint64_t>(first + i));
        }
    } else {
        for (double v : n.numbers("seeds", {1.0}, Bounds::between(0, 9.0e15))) {
            if (std::floor(v) != v) {
                n.fail("seeds", fmt::format("{} is not a whole number", v),
                       "list whole numbers, e.g. [1, 2, 3]");
            }
            b.seeds.push_back(static_cast<std::uint64_t>(v));
        }
    }
    if (b.seeds.empty()) {
        n.fail("seeds", "no seeds", "list at least one seed, e.g. [1]");
    }
    b.common = n.assignments("set");
    for (auto const& v : n.children("variants")) {
        BatchVariant var;
        var.name = v.required_string("name");
        var.sets = v.assignments("set");
        for (auto const& other : b.variants) {
            if (other.name == var.name) {
                v.fail("name", fmt::format("variant '{}' appears twice", var.name),
                       "give every variant its own name");
            }
        }
        b.variants.push_back(std::move(var));
    }
    if (b.variants.empty()) {
        b.variants.push_back(BatchVariant{"base", {}});
    }
    b.ranks_per_member =
        static_cast<int>(n.integer("ranks_per_member", 1, Bounds::between(1, 1.0e6)));
    sweep.check_unknown();
    b.yaml = sweep.resolved_yaml();
    // Check every variant's scenario now, not hours into the batch.
    for (std::size_t v = 0; v < b.variants.size(); ++v) {
        try {
            Simulation::check(b.member_scenario(v * b.seeds.size()), registry);
        } catch (ScenarioError const& e) {
            throw ScenarioError(fmt::format("{}: variant '{}': {}", b.origin, b.variants[v].name,
                                            e.what()));
        }
    }
    return b;
}

Scenario BatchSpec::member_scenario(std::size_t member) const {
    Scenario s = Scenario::load(scenario);
    for (auto const& kv : overrides) {
        s.set(kv);
    }
    for (auto const& [key, value] : common) {
        s.set(key + "=" + value);
    }
    for (auto const& [key, value] : variants[variant_of(member)].sets) {
        s.set(key + "=" + value);
    }
    s.set("scenario.seed", std::to_string(seed_of(member)));
    return s;
}

MemberResult run_batch_member(BatchSpec const& spec, std::size_t member, RunOptions options,
                              ModelRegistry const& registry) {
    MemberResult r;
    r.index = member;
    auto const t0 = std::chrono::steady_clock::now();
    try {
        Simulation sim(spec.member_scenario(member), std::move(options), registry);
        sim.run();
        r.output = sim.output();
        r.ok = true;
    } catch (std::exception const& e) {
        r.error = e.what(); // reported in the batch; the batch goes on
    }
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

BatchSummary summarize(BatchSpec const& spec, std::vector<MemberResult> const& members) {
    BatchSummary s;
    for (auto const& m : members) {
        if (m.ok) {
            for (auto const& k : m.output.kpis) {
                s.kpis.push_back(k.name);
            }
            break;
        }
    }
    std::size_t const nv = spec.variants.size();
    auto const nan = std::numeric_limits<double>::quiet_NaN();
    for (auto* v : {&s.mean, &s.sd, &s.min, &s.max}) {
        v->assign(nv, std::vector<double>(s.kpis.size(), nan));
    }
    s.ok.assign(nv, 0);
    s.failed.assign(nv, 0);
    for (std::size_t v = 0; v < nv; ++v) {
        for (std::size_t k = 0; k < s.kpis.size(); ++k) {
            std::vector<double> x;
            for (auto const& m : members) { // member order: the same for any schedule
                if (spec.variant_of(m.index) != v || !m.ok) {
                    continue;
                }
                if (auto const* kpi = m.output.find_kpi(s.kpis[k])) {
                    x.push_back(std::visit([](auto a) { return static_cast<double>(a); }, kpi->value));
                }
            }
            if (x.empty()) {
                continue;
            }
            double sum = 0.0;
            for (double a : x) {
                sum += a;
            }
            double const mean = sum / static_cast<double>(x.size());
            double ss = 0.0;
            for (double a : x) {
                ss += (a - mean) * (a - mean);
            }
            s.mean[v][k] = mean;
            s.sd[v][k] = x.size() > 1 ? std::sqrt(ss / static_cast<double>(x.size() - 1)) : 0.0;
            s.min[v][k] = *std::min_element(x.begin(), x.end());
            s.max[v][k] = *std::max_element(x.begin(), x.end());
        }
        for (auto const& m : members) {
            if (spec.variant_of(m.index) == v) {
                ++(m.ok ? s.ok : s.failed)[v];
            }
        }
    }
    return s;
}

std::string format_summary(BatchSpec const& spec, BatchSummary const& s) {
    std::size_t w = 4;
    for (auto const& k : s.kpis) {
        w = std::max(w, k.size());
    }
    std::string out = fmt::format("  {:<{}}", "KPI (mean ± sd over seeds)", w);
    for (auto const& v : spec.variants) {
        out += fmt::format("  {:>22}", v.name);
    }
    out += "\n";
    for (std::size_t k = 0; k < s.kpis.size(); ++k) {
        out += fmt::format("  {:<{}}", s.kpis[k], w);
        for (std::size_t v = 0; v < spec.variants.size(); ++v) {
            out += std::isnan(s.mean[v][k])
                       ? fmt::format("  {:>22}", "-")
                       : fmt::format("  {:>22}", fmt::format("{:.6g} ± {:.3g}", s.mean[v][k],
                                                             s.sd[v][k]));
        }
        out += "\n";
    }
    out += fmt::format("  {:<{}}", "members ok / failed", w);
    for (std::size_t v = 0; v < spec.variants.size(); ++v) {
        out += fmt::format("  {:>22}", fmt::format("{} / {}", s.ok[v], s.failed[v]));
    }
    return out + "\n";
}

void write_batch_output(std::filesystem::path const& path, BatchSpec const& spec,
                        std::vector<MemberResult> const& members, BatchSummary const& summary) {
    check_output_path(path);
    std::filesystem::path tmp = path;
    tmp += fmt::format(".tmp-{}", ::getpid());
    std::error_code ec;
    try {
        auto file = h5::File::create(tmp);
        auto& root = file.root();
        auto meta = root.create_group("meta");
        meta.write_attr("version", version());
        meta.write_attr("git_revision", git_revision());
        meta.write_attr("batch_name", spec.name);
        meta.write_attr("batch_file", spec.origin);
        meta.write_attr("batch", spec.yaml);
        meta.write_attr("scenario_file", spec.scenario.string());
        meta.write_attr("members", static_cast<std::int64_t>(spec.member_count()));
        meta.write_attr("ranks_per_member", static_cast<std::int64_t>(spec.ranks_per_member));

        auto batch = root.create_group("batch");
        auto mem = batch.create_group("members");
        std::size_t const n = members.size();
        std::vector<std::string> variant, error;
        std::vector<std::int64_t> seed;
        std::vector<std::int8_t> ok;
        std::vector<double> wall;
        for (auto const& m : members) {
            variant.push_back(spec.variants[spec.variant_of(m.index)].name);
            seed.push_back(static_cast<std::int64_t>(spec.seed_of(m.index)));
            ok.push_back(m.ok ? 1 : 0);
            error.push_back(m.error);
            wall.push_back(m.wall_s);
        }
        mem.write_strings("variant", variant);
        mem.write("seed", std::span<std::int64_t const>(seed), {n});
        mem.write("ok", std::span<std::int8_t const>(ok), {n});
        mem.write_strings("error", error);
        mem.write("wall_time_s", std::span<double const>(wall), {n});
        auto kpi = batch.create_group("kpi");
        for (auto const& name : summary.kpis) {
            std::vector<double> v(n, std::numeric_limits<double>::quiet_NaN());
            for (std::size_t i = 0; i < n; ++i) {
                if (auto const* k = members[i].ok ? members[i].output.find_kpi(name) : nullptr) {
                    v[i] = std::visit([](auto a) { return static_cast<double>(a); }, k->value);
                }
            }
            kpi.write(name, std::span<double const>(v), {n});
        }
        auto sum = batch.create_group("summary");
        std::vector<std::string> names;
        for (auto const& v : spec.variants) {
            names.push_back(v.name);
        }
        std::uint64_t const nv = names.size();
        sum.write_strings("variant", names);
        sum.write("ok", std::span<std::int64_t const>(summary.ok), {nv});
        sum.write("failed", std::span<std::int64_t const>(summary.failed), {nv});
        for (std::size_t k = 0; k < summary.kpis.size(); ++k) {
            auto g = sum.create_group(summary.kpis[k]);
            for (auto const& [label, table] :
                 {std::pair{"mean", &summary.mean}, std::pair{"sd", &summary.sd},
                  std::pair{"min", &summary.min}, std::pair{"max", &summary.max}}) {
                std::vector<double> col(nv);
                for (std::size_t v = 0; v < nv; ++v) {
                    col[v] = (*table)[v][k];
                }
                g.write(label, std::span<double const>(col), {nv});
            }
        }
        auto all = root.create_group("members");
        for (auto const& m : members) {
            if (m.ok) {
                auto g = all.create_group(std::to_string(m.index));
                write_run_groups(g, m.output, nullptr);
            }
        }
        file.close();
        std::filesystem::rename(tmp, path, ec);
        if (ec) {
            throw OutputError(fmt::format("{}: cannot move the finished file into place ({})",
                                          path.string(), ec.message()));
        }
    } catch (...) {
        std::filesystem::remove(tmp, ec);
        throw;
    }
}

} // namespace tsunagi
