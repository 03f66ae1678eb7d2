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

// What an event row's `subject` indexes.
enum class EventSubject : std::uint8_t { Zone, Facility, Edge };
char const* to_string(EventSubject s) noexcept; // "zone", "facility", "edge"

// /events: compact rows (time_s, kind, subject, count), one per subject and kind that changed in
// a sampling interval, stamped with the sample's time.
struct EventRows {
    std::vector<double> time_s;
    std::vector<std::uint16_t> kind; // index into the recorder's event_kinds()
    std::vector<std::int64_t> subject;
    std::vector<std::int64_t> count;
    std::size_t size() const noexcept { return time_s.size(); }
};

struct EventKind {
    std::string name;
    EventSubject subject;
    std::string description;
};

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

    // Events. A count source fills this rank's cumulative count per subject (zeroed before the
    // call); at every sample the counts are summed over ranks (unless the source is replicated,
    // or `same_on_every_rank`) and every subject whose count grew gives a row with the increase.
    // Counts must never decrease.
    using CountFill = std::function<void(std::span<std::int64_t> cumulative)>;
    void add_event_counts(std::string kind, EventSubject subject, std::size_t subjects,
                          std::string description, CountFill cumulative,
                          bool same_on_every_rank = false);
    // A state source fills a 0/1 state per subject, the same on every rank (world state); a row
    // of kind `on` (count 1) is written when a subject turns 1, of kind `off` when it turns 0.
    using StateFill = std::function<void(std::span<std::uint8_t> state)>;
    void add_state_events(std::string on, std::string on_description, std::string off,
                          std::string off_description, EventSubject subject, std::size_t subjects,
                          StateFill state);
    // Takes the state sources' current state as the baseline (the engine calls it before the
    // models initialise, so changes made by the main shock are events, the data's are not).
    void start_events();
    std::vector<EventKind> const& event_kinds() const noexcept { return event_kinds_; }
    EventRows const& events() const noexcept { return events_; }
    // Checkpoints: rows so far and every source's baseline (cumulative counts or states).
    std::vector<std::vector<std::int64_t>> event_baselines() const;
    void restore_events(EventRows rows, std::vector<std::vector<std::int64_t>> baselines);

private:
    struct EventSource {
        std::uint16_t kind;     // counts: the kind; states: the `on` kind
        std::uint16_t off_kind; // states only
        bool state = false;
        bool summed = false;
        std::size_t subjects = 0;
        CountFill counts;
        StateFill states;
        std::vector<std::int64_t> last; // cumulative counts or 0/1 states at the last sample
    };
    std::uint16_t add_event_kind(std::string name, EventSubject subject, std::string description);
    void record_events(double time_s);

    bool replicated_ = false;
    Zones const& zones_;
    Communicator& comm_;
    std::vector<double> times_;
    std::vector<Series> series_;
    std::vector<EventKind> event_kinds_;
    std::vector<EventSource> event_sources_;
    EventRows events_;
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
