#pragma once
// Time series and KPIs, per zone. Models give values for the zones their agents are in (usually
// municipalities); the recorder sums across ranks and up the zone hierarchy, so every series and
// KPI exists for every zone at every level.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tsunagi {

class Communicator;
class Zones;

class Recorder {
public:
    // Fills this rank's value for each zone (a span over all zones, zeroed before the call).
    using ZoneFill = std::function<void(std::span<double> per_zone)>;

    struct Series {
        std::string name;
        std::string unit;
        std::string description;
        ZoneFill fill;
        std::vector<double> values; // time-major: values[t * zones + z]
        ZoneFill denominator;       // set for share series (see add_share_series)
        double empty_value = 1.0;
        bool replicated = false;    // the same on every rank: taken as is, not summed
    };

    Recorder(Zones const& zones, Communicator& comm) : zones_(zones), comm_(comm) {}

    void add_series(std::string name, std::string unit, std::string description, ZoneFill fill);
    // A share per zone (e.g. of households with power): numerator and denominator are filled like
    // counts, summed over ranks and up the zone hierarchy, and only then divided, so the share of
    // a prefecture is that of its whole population. Zones whose denominator is 0 get empty_value.
    void add_share_series(std::string name, std::string description, ZoneFill numerator,
                          ZoneFill denominator, double empty_value = 1.0);
    // Samples every series at `time_s`.
    void record(double time_s);

    std::vector<double> const& times() const noexcept { return times_; }
    std::vector<Series> const& series() const noexcept { return series_; }
    // Checkpoints: the samples so far (the series themselves are declared again on restart).
    void restore(std::vector<double> times, std::vector<std::vector<double>> values);
    std::size_t zone_count() const noexcept;
    // Series added while this is set are marked replicated (Model::replicated(); the engine sets
    // it around each model's declare()).
    void set_replicated(bool on) noexcept { replicated_ = on; }

private:
    bool replicated_ = false;
    Zones const& zones_;
    Communicator& comm_;
    std::vector<double> times_;
    std::vector<Series> series_;
};

// Final KPIs of a run.
class Report {
public:
    using Value = std::variant<std::int64_t, double>;
    struct Kpi {
        std::string name;
        Value value;
        std::string unit;
        std::string description;
    };
    struct ZoneKpi {
        std::string name;
        std::variant<std::vector<std::int64_t>, std::vector<double>> values; // one per zone
        std::string unit;
        std::string description;
    };

    // Counts split by a category other than zone (e.g. age band), one value per label.
    struct CategoryKpi {
        std::string category; // "age" -> /kpi/by_age/<name>
        std::vector<std::string> labels;
        std::string name;
        std::vector<std::int64_t> values;
        std::string unit;
        std::string description;
    };
    // One value per road edge or per facility (e.g. peak congestion, final occupancy).
    struct ArrayKpi {
        std::string name;
        std::vector<double> values;
        std::string unit;
        std::string description;
    };

    Report(Zones const& zones, Communicator& comm) : zones_(zones), comm_(comm) {}

    // A count held by this rank; summed over ranks.
    void count(std::string name, std::int64_t local, std::string description,
               std::string unit = "persons");
    // A value already global (the model reduced it itself), e.g. a mean or a maximum.
    void value(std::string name, double global, std::string unit, std::string description);
    // Counts per zone from this rank (leaf entries filled); summed over ranks and up the hierarchy.
    void count_by_zone(std::string name, std::vector<std::int64_t> local,
                       std::string description);
    // Values per zone, already global and given for every zone.
    void value_by_zone(std::string name, std::vector<double> global, std::string unit,
                       std::string description);

    // Counts per label of a category from this rank; summed over ranks.
    void count_by(std::string category, std::vector<std::string> labels, std::string name,
                  std::vector<std::int64_t> local, std::string description);
    // Per-edge / per-facility values, already global (all edges / facilities).
    void per_edge(std::string name, std::vector<double> global, std::string unit,
                  std::string description);
    void per_facility(std::string name, std::vector<double> global, std::string unit,
                      std::string description);

    std::vector<Kpi> const& kpis() const noexcept { return kpis_; }
    std::vector<ZoneKpi> const& by_zone() const noexcept { return by_zone_; }
    std::vector<CategoryKpi> const& by_category() const noexcept { return by_category_; }
    std::vector<ArrayKpi> const& edges() const noexcept { return edges_; }
    std::vector<ArrayKpi> const& facilities() const noexcept { return facilities_; }
    Kpi const* find(std::string const& name) const noexcept;
    // While set, count(), count_by() and count_by_zone() take the value as it is (the same on
    // every rank) instead of summing it over ranks (Model::replicated(); the engine sets it around
    // each model's report()).
    void set_replicated(bool on) noexcept { replicated_ = on; }
    std::int64_t count_of(std::string const& name) const; // throws if absent or not a count

private:
    bool replicated_ = false;
    Zones const& zones_;
    Communicator& comm_;
    std::vector<Kpi> kpis_;
    std::vector<ZoneKpi> by_zone_;
    std::vector<CategoryKpi> by_category_;
    std::vector<ArrayKpi> edges_;
    std::vector<ArrayKpi> facilities_;
};

} // namespace tsunagi
