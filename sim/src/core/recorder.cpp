#include <tsunagi/comm/communicator.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/world/zones.hpp>

#include <fmt/format.h>

namespace tsunagi {

std::size_t Recorder::zone_count() const noexcept { return zones_.size(); }

void Recorder::add_series(std::string name, std::string unit, std::string description,
                          ZoneFill fill) {
    for (auto const& s : series_) {
        if (s.name == name) {
            throw ModelError(fmt::format("time series '{}' registered twice", name));
        }
    }
    if (!times_.empty()) {
        throw ModelError(fmt::format("time series '{}' registered after recording started", name));
    }
    series_.push_back(Series{std::move(name), std::move(unit), std::move(description),
                             std::move(fill), {}, {}, 1.0, replicated_});
}

void Recorder::add_share_series(std::string name, std::string description, ZoneFill numerator,
                                ZoneFill denominator, double empty_value) {
    add_series(std::move(name), "share", std::move(description), std::move(numerator));
    series_.back().denominator = std::move(denominator);
    series_.back().empty_value = empty_value;
}

void Recorder::record(double time_s) {
    std::size_t const nz = zones_.size();
    times_.push_back(time_s);
    std::vector<double> row(nz);
    std::vector<double> den(nz);
    for (auto& s : series_) {
        std::fill(row.begin(), row.end(), 0.0);
        s.fill(row);
        if (!s.replicated) { // a replicated model's values are the same on every rank
            comm_.allreduce_sum(row);
        }
        zones_.aggregate_up(std::span<double>(row));
        if (s.denominator) {
            std::fill(den.begin(), den.end(), 0.0);
            s.denominator(den);
            if (!s.replicated) {
                comm_.allreduce_sum(den);
            }
            zones_.aggregate_up(std::span<double>(den));
            for (std::size_t z = 0; z < nz; ++z) {
                row[z] = den[z] > 0.0 ? row[z] / den[z] : s.empty_value;
            }
        }
        s.values.insert(s.values.end(), row.begin(), row.end());
    }
}

void Recorder::restore(std::vector<double> times, std::vector<std::vector<double>> values) {
    if (values.size() != series_.size()) {
        throw DataError(fmt::format("checkpoint: {} time series for the {} this run records",
                                    values.size(), series_.size()));
    }
    times_ = std::move(times);
    for (std::size_t i = 0; i < series_.size(); ++i) {
        series_[i].values = std::move(values[i]);
    }
}

void Report::count(std::string name, std::int64_t local, std::string description,
                   std::string unit) {
    std::int64_t v = local;
    if (!replicated_) {
        comm_.allreduce_sum(std::span<std::int64_t>(&v, 1));
    }
    kpis_.push_back(Kpi{std::move(name), v, std::move(unit), std::move(description)});
}

void Report::count_by(std::string category, std::vector<std::string> labels, std::string name,
                      std::vector<std::int64_t> local, std::string description) {
    if (local.size() != labels.size()) {
        throw ModelError(fmt::format("KPI '{}' by {} has {} values for {} labels", name, category,
                                     local.size(), labels.size()));
    }
    if (!replicated_) {
        comm_.allreduce_sum(local);
    }
    by_category_.push_back(CategoryKpi{std::move(category), std::move(labels), std::move(name),
                                       std::move(local), "persons", std::move(description)});
}

void Report::per_edge(std::string name, std::vector<double> global, std::string unit,
                      std::string description) {
    edges_.push_back(ArrayKpi{std::move(name), std::move(global), std::move(unit),
                              std::move(description)});
}

void Report::per_facility(std::string name, std::vector<double> global, std::string unit,
                          std::string description) {
    facilities_.push_back(ArrayKpi{std::move(name), std::move(global), std::move(unit),
                                   std::move(description)});
}

void Report::value(std::string name, double global, std::string unit, std::string description) {
    kpis_.push_back(Kpi{std::move(name), global, std::move(unit), std::move(description)});
}

void Report::count_by_zone(std::string name, std::vector<std::int64_t> local,
                           std::string description) {
    if (local.size() != zones_.size()) {
        throw ModelError(fmt::format("KPI '{}' by zone has {} values for {} zones", name,
                                     local.size(), zones_.size()));
    }
    if (!replicated_) {
        comm_.allreduce_sum(local);
    }
    zones_.aggregate_up(std::span<std::int64_t>(local));
    by_zone_.push_back(ZoneKpi{std::move(name), std::move(local), "persons", std::move(description)});
}

void Report::value_by_zone(std::string name, std::vector<double> global, std::string unit,
                           std::string description) {
    if (global.size() != zones_.size()) {
        throw ModelError(fmt::format("KPI '{}' by zone has {} values for {} zones", name,
                                     global.size(), zones_.size()));
    }
    by_zone_.push_back(ZoneKpi{std::move(name), std::move(global), std::move(unit),
                               std::move(description)});
}

Report::Kpi const* Report::find(std::string const& name) const noexcept {
    for (auto const& k : kpis_) {
        if (k.name == name) {
            return &k;
        }
    }
    return nullptr;
}

std::int64_t Report::count_of(std::string const& name) const {
    auto const* k = find(name);
    if (k == nullptr || !std::holds_alternative<std::int64_t>(k->value)) {
        throw ModelError(fmt::format("no count KPI named '{}'", name));
    }
    return std::get<std::int64_t>(k->value);
}

} // namespace tsunagi
