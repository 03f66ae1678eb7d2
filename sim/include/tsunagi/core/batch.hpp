#pragma once
// Batches: one scenario run as variants × seeds, to compare strategies with their spread.
// A sweep file (YAML) names the scenario, overrides common to every member, the variants (each a
// set of overrides) and the seeds:
//
//   batch:
//     name: awareness
//     scenario: demo.yaml               # relative to the sweep file
//     seeds: [1, 2, 3]                  # or {first: 1, count: 3}
//     set: {world.synthetic.population: 20000, scenario.duration_s: 3600}
//     variants:
//       - {name: low, set: {evacuation.awareness: low}}
//       - {name: high, set: {evacuation.awareness: high}}
//     ranks_per_member: 1               # MPI ranks per member (ensembles, hpc/)
//
// Members are numbered variant-major (variant 0 with every seed, then variant 1, ...). A member
// that fails is reported with its error and does not stop the batch. Summaries (mean, standard
// deviation, min, max over the seeds of each variant) are computed in member order, so they are
// the same however the members were scheduled. Layout of the output file: docs/output.md.

#include <tsunagi/core/model_registry.hpp>
#include <tsunagi/core/scenario.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/io/run_output.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tsunagi {

struct BatchVariant {
    std::string name;
    std::vector<std::pair<std::string, std::string>> sets;
};

struct BatchSpec {
    std::string origin;                 // the sweep file
    std::string name;
    std::filesystem::path scenario;     // resolved path of the base scenario
    std::vector<std::pair<std::string, std::string>> common;
    std::vector<std::uint64_t> seeds;
    std::vector<BatchVariant> variants;
    int ranks_per_member = 1;
    std::string yaml;                   // the resolved sweep file

    // Reads and checks a sweep file, and every variant's scenario (without running anything).
    // `overrides` ("key.path=value") apply to the base scenario of every member.
    static BatchSpec load(std::filesystem::path const& file, ModelRegistry const& registry,
                          std::vector<std::string> const& overrides = {});

    std::size_t member_count() const noexcept { return variants.size() * seeds.size(); }
    std::size_t variant_of(std::size_t member) const noexcept { return member / seeds.size(); }
    std::uint64_t seed_of(std::size_t member) const noexcept { return seeds[member % seeds.size()]; }
    Scenario member_scenario(std::size_t member) const;

    std::vector<std::string> overrides; // applied to every member's scenario first
};

struct MemberResult {
    std::size_t index = 0;
    bool ok = false;
    std::string error;
    double wall_s = 0.0;
    RunOutput output; // KPIs, by-zone tables, time series (no /world)
};

// Runs one member in this process (with options.comm, possibly a group of ranks).
MemberResult run_batch_member(BatchSpec const& spec, std::size_t member, RunOptions options,
                              ModelRegistry const& registry);

struct BatchSummary {
    std::vector<std::string> kpis; // scalar KPIs present in every successful member, in order
    // [variant][kpi]
    std::vector<std::vector<double>> mean, sd, min, max;
    std::vector<std::int64_t> ok, failed; // members per variant
};

BatchSummary summarize(BatchSpec const& spec, std::vector<MemberResult> const& members);
std::string format_summary(BatchSpec const& spec, BatchSummary const& s);

// Writes the batch (members' results and the comparison table) atomically to `path`.
void write_batch_output(std::filesystem::path const& path, BatchSpec const& spec,
                        std::vector<MemberResult> const& members, BatchSummary const& summary);

} // namespace tsunagi
