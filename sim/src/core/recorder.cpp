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
    record_events(time_s);
}

char const* to_string(EventSubject s) noexcept {
    switch (s) {
    case EventSubject::Zone:
        return "zone";
    case EventSubject::Facility:
        return "facility";
    case EventSubject::Edge:
        return "edge";
    }
    return "?";
}

std::uint16_t Recorder::add_event_kind(std::string name, EventSubject subject,
                                       std::string description) {
    for (auto const& k : event_kinds_) {
        if (k.name == name) {
            throw ModelError(fmt::format("event kind '{}' registered twice", name));
        }
    }
    if (!times_.empty()) {
        throw ModelError(fmt::format("event kind '{}' registered after recording started", name));
    }
    if (event_kinds_.size() >= 0xffffu) {
        throw ModelError("too many event kinds");
    }
    event_kinds_.push_back(EventKind{std::move(name), subject, std::move(description)});
    return static_cast<std::uint16_t>(event_kinds_.size() - 1);
}

void Recorder::add_event_counts(std::string kind, EventSubject subject, std::size_t subjects,
                                std::string description, CountFill cumulative,
                                bool same_on_every_rank) {
    EventSource src;
    src.kind = add_event_kind(std::move(kind), subject, std::move(description));
    src.off_kind = src.kind;
    src.summed = !(replicated_ || same_on_every_rank);
    src.subjects = subjects;
    src.counts = std::move(cumulative);
    src.last.assign(subjects, 0);
    event_sources_.push_back(std::move(src));
}

void Recorder::add_state_events(std::string on, std::string on_description, std::string off,
                                std::string off_description, EventSubject subject,
                                std::size_t subjects, StateFill state) {
    EventSource src;
    src.kind = add_event_kind(std::move(on), subject, std::move(on_description));
    src.off_kind = add_event_kind(std::move(off), subject, std::move(off_description));
    src.state = true;
    src.subjects = subjects;
    src.states = std::move(state);
    src.last.assign(subjects, 0);
    event_sources_.push_back(std::move(src));
}

void Recorder::start_events() {
    std::vector<std::uint8_t> now;
    for (auto& src : event_sources_) {
        if (src.state) {
            now.assign(src.subjects, 0);
            src.states(now);
            src.last.assign(now.begin(), now.end());
        }
    }
}

void Recorder::record_events(double time_s) {
    std::vector<std::int64_t> now;
    std::vector<std::uint8_t> state;
    auto row = [&](std::uint16_t kind, std::size_t subject, std::int64_t count) {
        events_.time_s.push_back(time_s);
        events_.kind.push_back(kind);
        events_.subject.push_back(static_cast<std::int64_t>(subject));
        events_.count.push_back(count);
    };
    for (auto& src : event_sources_) {
        if (src.state) {
            state.assign(src.subjects, 0);
            src.states(state);
            for (std::size_t i = 0; i < src.subjects; ++i) {
                std::int64_t const s = state[i] != 0 ? 1 : 0;
                if (s != src.last[i]) {
                    row(s != 0 ? src.kind : src.off_kind, i, 1);
                    src.last[i] = s;
                }
            }
            continue;
        }
        now.assign(src.subjects, 0);
        src.counts(now);
        if (src.summed) {
            comm_.allreduce_sum(std::span<std::int64_t>(now));
        }
        for (std::size_t i = 0; i < src.subjects; ++i) {
            if (now[i] < src.last[i]) {
                throw ModelError(fmt::format("event '{}': the cumulative count of {} {} fell from "
                                             "{} to {}",
                                             event_kinds_[src.kind].name,
                                             to_string(event_kinds_[src.kind].subject), i,
                                             src.last[i], now[i]));
            }
            if (now[i] > src.last[i]) {
                row(src.kind, i, now[i] - src.last[i]);
            }
        }
        src.last = now;
    }
}

std::vector<std::vector<std::int64_t>> Recorder::event_baselines() const {
    std::vector<std::vector<std::int64_t>> out;
    out.reserve(event_sources_.size());
    for (auto const& src : event_sources_) {
        out.push_back(src.last);
    }
    return out;
}

void Recorder::restore_events(EventRows rows, std::vector<std::vector<std::int64_t>> baselines) {
    if (baselines.size() != event_sources_.size()) {
        throw DataError(fmt::format("checkpoint: {} event sources for the {} this run records",
                                    baselines.size(), event_sources_.size()));
    }
    for (std::size_t i = 0; i < baselines.size(); ++i) {
        if (baselines[i].size() != event_sources_[i].subjects) {
            throw DataError(fmt::format("checkpoint: event '{}' has {} subjects, this run {}",
                                        event_kinds_[event_sources_[i].kind].name,
                                        baselines[i].size(), event_sources_[i].subjects));
        }
        event_sources_[i].last = std::move(baselines[i]);
    }
    events_ = std::move(rows);
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
