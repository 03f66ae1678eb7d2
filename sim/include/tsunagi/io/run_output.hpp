#pragma once
// The output of a run, in memory and in its HDF5 file (layout in docs/output.md):
//   /meta        attributes: version, git_revision, seed, threads, ranks, scenario (resolved YAML),
//                scenario_file, tick_s, duration_s, ...; /meta/run: wall time and phase timings
//   /zones       code, name, level, parent (one entry per zone, all levels)
//   /kpi         one scalar dataset per KPI (attributes unit, description)
//   /kpi/by_zone one array per KPI, aligned with /zones/code
//   /kpi/by_<c>  counts split by another category (e.g. by_age), with a `labels` dataset
//   /timeseries  time_s, and one [time × zone] array per series
//   /events      rows time_s, kind, subject, count (what happened, per sampling interval) and
//                the kinds' names, subject types and descriptions
//   /edges       per road edge results (e.g. peak pedestrian density), aligned with /world/roads
//   /facilities  per facility results (e.g. peak occupancy), aligned with /world/facilities
//   /world       grid (attributes), static layers, roads, facilities - for maps and GIS export
// Files are written under a temporary name and renamed on success, so a failed run never leaves a
// file that looks complete.

#include <tsunagi/core/recorder.hpp>
#include <tsunagi/io/hdf5.hpp>
#include <tsunagi/world/zones.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace tsunagi {

struct World;

struct RunOutput {
    using MetaValue = std::variant<std::int64_t, double, std::string>;
    struct Series {
        std::string name;
        std::string unit;
        std::string description;
        std::vector<double> values; // [time][zone]
    };

    std::vector<std::pair<std::string, MetaValue>> meta; // /meta attributes
    std::vector<std::pair<std::string, MetaValue>> run;  // /meta/run attributes (timings)
    std::vector<Zone> zones;
    std::vector<Report::Kpi> kpis;
    std::vector<Report::ZoneKpi> by_zone;
    std::vector<Report::CategoryKpi> by_category; // /kpi/by_<category>/<name> (+ labels)
    std::vector<Report::ArrayKpi> edges;          // /edges/<name>, one value per road edge
    std::vector<Report::ArrayKpi> facilities;     // /facilities/<name>, one value per facility
    std::vector<double> times_s;
    std::vector<Series> series;
    std::vector<EventKind> event_kinds; // /events/kinds, ...
    EventRows events;                   // /events/time_s, kind, subject, count

    MetaValue const* find_meta(std::string const& name) const noexcept;
    Report::Kpi const* find_kpi(std::string const& name) const noexcept;
    Series const* find_series(std::string const& name) const noexcept;
};

// Writing one file from several MPI ranks at once (parallel HDF5). Every rank calls
// write_run_output with identical `out`; `fapl` is an MPI-IO file-access property list (from
// hpc/), `writer` tells the one rank that writes dataset contents and renames the finished file,
// `tmp_suffix` is the same on every rank, and `barrier` synchronises the ranks before the rename.
struct ParallelOutput {
    std::int64_t fapl = -1;
    std::int64_t dxpl = -1; // collective data transfer
    bool writer = true;
    std::string tmp_suffix;
    std::function<void()> barrier;
};

// Writes `out` (and, if given, the world's layers) atomically to `path`. Creates missing parent
// directories. Throws OutputError if the file cannot be written.
void write_run_output(std::filesystem::path const& path, RunOutput const& out,
                      World const* world = nullptr, ParallelOutput const* parallel = nullptr);

// Writes the groups of a run (/meta, /zones, /kpi, /timeseries, ... and /world if given) under
// `root` (a file's root, or a member's group in a batch file).
void write_run_groups(h5::Group& root, RunOutput const& out, World const* world);

// Checks, before a long run, that `path` can be written: creates missing parent directories and
// creates and removes a temporary file there. Throws OutputError with the reason and a fix.
void check_output_path(std::filesystem::path const& path);

// Reads a file written by write_run_output (everything but /world). Throws DataError.
RunOutput read_run_output(std::filesystem::path const& path);

} // namespace tsunagi
