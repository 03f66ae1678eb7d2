#pragma once
// People flow: tsunami evacuation on foot and by car, with congestion, shelter capacity and
// direct deaths - the behaviour model of the Cabinet Office (CO) method on a mesoscopic network.
//
// Sources (all parameters in ../shared/REFERENCE.md; full description in
// docs/models/evacuation.md):
//  - 内閣府 (Cabinet Office) 南海トラフ巨大地震の被害想定 (2012; methods reused 2019/2025): behaviour
//    classes and shares by awareness, departure delays (5 / 15 min, +5 min at night, "imminent"
//    evacuees leave when the water reaches them), walking speeds (2.65 km/h; ×0.8 at night;
//    1.96 km/h with children or elderly; 1.88 km/h with a mobility-impaired companion), the
//    0.30 m evacuation and safety threshold, and the depth–mortality points, fitted here as a
//    normal CDF in depth (μ = 0.651 m, σ = 0.094 m);
//  - Weidmann (1993) speed–density relation and the queue model for vehicles (LinkFlow);
//  - MLIT (2011) survey of the 2011 tsunami for car use (51 % drove; mean 438 m on foot, 2.4 km
//    by car), which motivates car_share and car_min_distance_m.
//
// Residents spawn from the population raster with households, age bands, needs and their location
// at the event (time of day). A household evacuates together (at the slowest member's pace, by car
// if it has a driver and drives), a resident at work alone. Destinations: the nearest open safe
// place over the network - a tsunami-designated shelter or evacuation building with room left
// (pedestrians), or safe ground (everyone); trees are repaired when a site fills or roads close.
// A resident dies with probability P(d) of the depth d at their position, drawn once per resident
// as a personal depth threshold with the counter-based RNG.
// Collapse casualties: where the world carries the damage layer's per-cell probabilities
// (collapse_death_probability, collapse_trapped_probability), each resident draws once, at spawn
// and at their location at the event, whether a collapsed building killed or trapped them. The
// killed are dead from t = 0 (deaths_collapse) and never at risk from the tsunami; the trapped
// cannot leave (stranded where the water comes, so they may still drown; not exposed elsewhere,
// waiting for rescue). Each resident has exactly one state, so nobody dies twice.

#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/agents/link_flow.hpp>
#include <tsunagi/core/model.hpp>
#include <tsunagi/evacuation/evacuation_config.hpp>
#include <tsunagi/routing/route_tree.hpp>

#include <cstdint>
#include <vector>

namespace tsunagi::evacuation {

enum class ResidentState : std::uint8_t {
    Home = 0,       // at their location at the event, not yet left
    Walking = 1,    // on a link (or at its end) on foot
    Driving = 2,    // on a link (or at its end) driving, with their household as passengers
    Passenger = 3,  // in a household member's car (or waiting for it to leave)
    Stranded = 4,   // cannot leave: no route to safety, or a dependent with no helper
    Safe = 5,       // reached a safe place
    Dead = 6,       // killed by the tsunami
    NotExposed = 7, // outside the hazard zone at the event: does not need to evacuate
    Gone = 8,       // (several ranks) this row moved to another rank; removed at compaction
};

// Values of the `casualty` field: what the main shock's building collapses did to a resident.
enum Casualty : std::uint8_t { kUnhurt = 0, kTrapped = 1, kKilledByCollapse = 2 };

// Bits of the `needs` field.
enum Need : std::uint8_t { kNeedsCare = 1, kDialysis = 2, kHomeOxygen = 4, kInfant = 8 };
// Age bands.
inline constexpr std::uint8_t kUnder65 = 0, k65to74 = 1, k75plus = 2;

class EvacuationModel final : public Model {
public:
    std::string_view name() const override { return "evacuation"; }
    void configure(ConfigNode const& section) override;
    void declare(ModelBuilder& b) override;
    void initialize(TickContext const& ctx) override;
    void check_invariants(TickContext const& ctx) const override;
    void report(Report& r) const override;
    bool checkpointable() const override { return true; }
    void save(CheckpointWriter& w) const override;
    void load(CheckpointReader const& r) override;

    EvacuationConfig const& config() const noexcept { return cfg_; }
    RouteTree const& pedestrian_routes() const noexcept { return ped_tree_; }
    RouteTree const& vehicle_routes() const noexcept { return car_tree_; }
    LinkFlow const& flow() const noexcept { return flow_; }
    // Residents processed while active (not safe, dead or unexposed), summed over ticks.
    std::int64_t active_updates() const noexcept { return active_updates_; }
    // Several ranks: time in communication (migration, halo, shared site state), bytes this rank
    // sent in migration and halo messages, agents it sent away, links in its halo.
    struct CommStats {
        double seconds = 0.0;
        std::uint64_t migration_bytes = 0, halo_bytes = 0, migrants = 0;
        std::uint64_t compactions = 0; // rows that left removed from the store
        std::size_t halo_links = 0, neighbours = 0;
    };
    CommStats const& comm_stats() const noexcept { return comm_stats_; }

private:
    void spawn(TickContext const& ctx);
    void build_routes();
    void advance(Chunk const& c, TickContext const& t);
    void transfer(TickContext const& t);
    void passengers(TickContext const& t);
    void update_routes(TickContext const& t);
    Decision decide(std::uint32_t row, NodeId node, Mode mode);
    void arrive(std::size_t row, NodeId at, double time_s);
    void die(std::size_t row);
    float depth_at(std::size_t row) const noexcept;
    struct RowList;
    // Whether the resident at list.rows[k] drowns in water this deep (its personal threshold is
    // drawn on first use and kept with the list entry).
    bool drowns(RowList& list, std::size_t k, float depth) noexcept;
    Movers movers();
    // Several ranks (distributed.cpp).
    void setup_neighbours();
    void migrate_entering_remote_links();
    void migrate(std::vector<std::vector<std::size_t>>& rows_by_neighbour);
    void exchange_halo();
    void compact();
    void size_chunk_buffers();
    // The counter vectors a checkpoint holds, by name: one list for save() and load().
    template <class Self>
    static auto counter_vectors(Self& m);
    std::size_t neighbour_index(int rank) const;

    EvacuationConfig cfg_;
    TimeOfDay time_of_day_ = TimeOfDay::Night;
    World* world_ = nullptr;
    Communicator* comm_ = nullptr;
    AgentStore* residents_ = nullptr;
    std::uint64_t seed_ = 0;
    std::size_t chunk_size_ = 16384;

    FieldHandle<std::uint8_t> state_, profile_, needs_, age_, at_end_, casualty_;
    FieldHandle<std::uint16_t> zone_;
    FieldHandle<std::uint32_t> household_, home_cell_, cell_, node_, edge_, end_tick_, depart_,
        vehicle_;
    FieldHandle<float> pos_m_, speed_;

    LinkFlow flow_;
    RouteTree ped_tree_, car_tree_;
    std::vector<float> car_cost_;
    std::vector<std::uint8_t> open_seen_;  // edge open flags the trees were built with
    std::uint64_t edge_version_ = 0;
    std::vector<FacilityId> node_facility_; // shelter or evacuation building at a node
    std::vector<std::uint8_t> facility_full_;
    std::vector<std::uint8_t> facility_full_seen_;
    std::vector<std::int64_t> shelter_arrivals_; // cumulative, per facility, this rank's
    // One candidate list per chunk, each on its own cache lines: chunks run on different threads
    // and push every tick (queued agents re-submit), so adjacent vector headers would false-share.
    struct alignas(64) CandidateList {
        std::vector<Candidate> items;
    };
    std::vector<CandidateList> chunk_candidates_;
    std::vector<Candidate> candidates_;
    // The rows still to process, ascending, so the tick's kernels skip the finished majority:
    // movers_ (at home, walking, driving, stranded) for advance(), riders_ (passengers) for
    // passengers(). A row never becomes active again (nor a passenger again), so the lists are
    // only filtered (every kActiveFilterTicks ticks); they are rebuilt from all rows after spawn,
    // a checkpoint restore or a compaction, and rows that migrate in are appended.
    struct RowList {
        std::vector<std::uint32_t> rows;
        std::vector<double> threshold; // per entry: drowning depth, NaN until drawn
        void add(std::uint32_t row);
    };
    RowList movers_, riders_;
    bool active_dirty_ = true;
    std::uint32_t active_since_filter_ = 0;
    void refresh_active();
    // Several ranks: neighbouring ranks, the owned links whose counts each of them needs (their
    // source node is there) and the links they own that this rank feeds (ghosts).
    bool distributed_ = false;
    std::vector<int> neighbours_;
    std::vector<std::vector<EdgeId>> halo_send_, halo_recv_;
    std::size_t gone_ = 0;
    CommStats comm_stats_;
    float depth_floor_ = 0.0f;   // below this depth nobody dies (μ − 6σ)
    double first_arrival_s_ = 0; // no water anywhere before this time

    // Counters per zone (updated atomically on transitions) and per age band.
    std::vector<std::int64_t> population_, at_risk_, not_exposed_, safe_, dead_, walking_,
        driving_, stranded_;
    std::array<std::int64_t, 3> pop_age_{}, risk_age_{}, safe_age_{}, dead_age_{};
    // Collapse casualties (dead_ includes the killed; at_risk_ and not_exposed_ do not).
    std::vector<std::int64_t> collapse_dead_, trapped_;
    std::array<std::int64_t, 3> collapse_dead_age_{};
    std::int64_t trapped_drowned_ = 0;
    std::int64_t unreachable_ = 0, dependents_stranded_ = 0, cars_ = 0;
    std::vector<std::int64_t> arrival_minute_;
    std::int64_t active_updates_ = 0;
};

} // namespace tsunagi::evacuation
