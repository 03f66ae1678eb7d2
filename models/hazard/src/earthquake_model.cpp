#include <tsunagi/core/error.hpp>
#include <tsunagi/core/recorder.hpp>
#include <tsunagi/hazard/earthquake_model.hpp>
#include <tsunagi/hazard/okada.hpp>
#include <tsunagi/world/layer_names.hpp>
#include <tsunagi/world/projection.hpp>
#include <tsunagi/world/world.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tsunagi::hazard {

EarthquakeConfig EarthquakeConfig::from(ConfigNode const& n) {
    EarthquakeConfig c;
    auto faults = n.children("faults");
    auto const mw = n.optional_number("mw", Bounds::between(4.0, 9.6));
    if (!faults.empty() && !mw) {
        n.fail("mw", "is required when faults are given",
               "add the moment magnitude of the whole rupture, e.g. mw: 9.0");
    }
    if (faults.empty() && mw) {
        n.fail("faults", fmt::format("mw is {} but no fault segments are given", *mw),
               "add the rupture as a list of segments (see docs/models/earthquake.md), or remove "
               "mw");
    }
    c.mw = mw.value_or(0.0);
    c.mw_cap = n.number("mw_cap", c.mw_cap, Bounds::between(4.0, 10.0));
    c.depth_km = n.optional_number("focal_depth_km", Bounds::between(0.0, 300.0));
    std::string const type =
        n.choice("fault_type", {"interface", "crustal", "intraslab"}, "interface");
    c.type = type == "crustal"     ? FaultType::Crustal
             : type == "intraslab" ? FaultType::Intraslab
                                   : FaultType::Interface;
    auto site = n.child("site");
    c.default_vs30_mps = site.number("default_vs30_mps", c.default_vs30_mps, Bounds{50.0, 3000.0});
    auto var = n.child("variability");
    c.sigma_within_log10 =
        var.number("sigma_within_log10", c.sigma_within_log10, Bounds::between(0.0, 1.0));
    c.sigma_between_log10 =
        var.number("sigma_between_log10", c.sigma_between_log10, Bounds::between(0.0, 1.0));
    auto ok = n.child("okada");
    c.okada = ok.boolean("enabled", c.okada);
    c.poisson = ok.number("poisson_ratio", c.poisson, Bounds{0.0, 0.5, false, true});
    c.rigidity_pa = ok.number("rigidity_pa", c.rigidity_pa, Bounds::between(1.0e9, 1.0e12));

    for (std::size_t i = 0; i < faults.size(); ++i) {
        auto const& f = faults[i];
        FaultSegment s;
        s.name = f.string("name", fmt::format("segment {}", i + 1));
        s.x_km = f.optional_number("x_km", Bounds::between(-1.0e4, 1.0e4));
        s.y_km = f.optional_number("y_km", Bounds::between(-1.0e4, 1.0e4));
        s.lon = f.optional_number("lon", Bounds::between(-180.0, 180.0));
        s.lat = f.optional_number("lat", Bounds::between(-90.0, 90.0));
        bool const xy = s.x_km.has_value() && s.y_km.has_value();
        bool const ll = s.lon.has_value() && s.lat.has_value();
        if (xy == ll || s.x_km.has_value() != s.y_km.has_value() ||
            s.lon.has_value() != s.lat.has_value()) {
            f.fail({}, "needs the start of its upper edge as x_km and y_km (from the grid's "
                       "south-west corner) or as lon and lat (degrees), exactly one of the two",
                   "give x_km: <km> and y_km: <km>, or lon: <deg> and lat: <deg>");
        }
        s.plane.strike_deg = f.required_number("strike_deg", Bounds::between(-360.0, 360.0));
        s.plane.dip_deg = f.required_number("dip_deg", Bounds{0.0, 90.0, true, false});
        s.plane.length_km = f.required_number("length_km", Bounds{0.0, 2000.0, true, false});
        s.plane.width_km = f.required_number("width_km", Bounds{0.0, 1000.0, true, false});
        s.plane.top_depth_km = f.number("top_depth_km", 0.0, Bounds::between(0.0, 300.0));
        s.slip_m = f.optional_number("slip_m", Bounds::between(0.0, 200.0));
        s.rake_deg = f.number("rake_deg", s.rake_deg, Bounds::between(-180.0, 180.0));
        c.faults.push_back(std::move(s));
    }
    return c;
}

void EarthquakeModel::configure(ConfigNode const& section) {
    cfg_ = EarthquakeConfig::from(section);
}

void EarthquakeModel::declare(ModelBuilder& b) {
    world_ = &b.world();
    seed_ = b.seed();
    if (!active()) {
        return;
    }
    auto const& g = world_->grid;
    double const south = g.transform().y0 + g.ny() * g.transform().dy;
    double area = 0.0, depth = 0.0;
    for (auto& s : cfg_.faults) {
        if (s.x_km) {
            s.plane.x0_m = g.transform().x0 + *s.x_km * 1000.0;
            s.plane.y0_m = south + *s.y_km * 1000.0;
        } else {
            auto const p = project_lonlat(g.crs_wkt(), *s.lon, *s.lat);
            s.plane.x0_m = p.x;
            s.plane.y0_m = p.y;
        }
        area += s.plane.area_km2();
        depth += s.plane.area_km2() * s.plane.centre_depth_km();
    }
    depth_km_ = cfg_.depth_km.value_or(depth / area);
    // Slip from the seismic moment where not given: M0 = 10^(1.5 Mw + 9.1) = μ A D̄ (uniform).
    double const m0 = std::pow(10.0, 1.5 * cfg_.mw + 9.1);
    double const mean_slip = m0 / (cfg_.rigidity_pa * area * 1.0e6);
    slip_m_.clear();
    for (auto const& s : cfg_.faults) {
        slip_m_.push_back(s.slip_m.value_or(mean_slip));
    }
}

void EarthquakeModel::initialize(TickContext const& ctx) {
    if (!active()) {
        return;
    }
    World& w = *world_;
    auto const& g = w.grid;
    std::size_t const n = g.cells();
    Raster<float> dist(std::string(layer::kFaultDistance), "km", n, 0.0f);
    Raster<float> pgv(std::string(layer::kPgv), "cm/s", n, 0.0f);
    Raster<float> inten(std::string(layer::kJmaIntensity), "JMA", n, 0.0f);
    Raster<float> uplift(std::string(layer::kOkadaUplift), "m", cfg_.okada ? n : 0, 0.0f);

    Raster<float> const* amp_layer = nullptr;
    Raster<float> const* vs30_layer = nullptr;
    if (auto it = w.layers.find(std::string(layer::kSiteAmplification)); it != w.layers.end()) {
        amp_layer = &it->second;
    } else if (auto it2 = w.layers.find(std::string(layer::kVs30)); it2 != w.layers.end()) {
        vs30_layer = &it2->second;
    }
    double const default_amp = pgv_amplification(cfg_.default_vs30_mps);
    double const mw = std::min(cfg_.mw, cfg_.mw_cap);
    double const between =
        cfg_.sigma_between_log10 > 0.0
            ? cfg_.sigma_between_log10 * ctx.rng(Stream::HazardVariability, 1ull << 32).normal()
            : 0.0;
    ctx.pool.for_chunks(n, 4096, [&](Chunk const& ch) {
        for (std::size_t i = ch.begin; i < ch.end; ++i) {
            auto const c = static_cast<CellId>(i);
            double const x = g.centre_x(g.col_of(c));
            double const y = g.centre_y(g.row_of(c));
            double r = std::numeric_limits<double>::infinity();
            for (auto const& s : cfg_.faults) {
                r = std::min(r, s.plane.distance_km(x, y));
            }
            double amp = default_amp;
            if (amp_layer != nullptr) {
                amp = std::max(0.0f, (*amp_layer)[c]);
            } else if (vs30_layer != nullptr && (*vs30_layer)[c] > 0.0f) {
                amp = pgv_amplification((*vs30_layer)[c]);
            }
            double lg = si_midorikawa_log10_pgv(mw, depth_km_, r, cfg_.type) + between;
            if (cfg_.sigma_within_log10 > 0.0) {
                lg += cfg_.sigma_within_log10 * ctx.rng(Stream::HazardVariability, c).normal();
            }
            double const v = std::pow(10.0, lg) * amp;
            dist[c] = static_cast<float>(r);
            pgv[c] = static_cast<float>(v);
            inten[c] = static_cast<float>(jma_intensity_from_pgv(v));
            if (cfg_.okada) {
                double uz = 0.0;
                for (std::size_t k = 0; k < cfg_.faults.size(); ++k) {
                    auto const& s = cfg_.faults[k];
                    uz += okada_displacement(s.plane, slip_m_[k], s.rake_deg, 0.0, x, y,
                                             cfg_.poisson)
                              .uz;
                }
                uplift[c] = static_cast<float>(uz);
            }
        }
    });
    w.layers[dist.name] = std::move(dist);
    w.layers[pgv.name] = std::move(pgv);
    w.layers[inten.name] = std::move(inten);
    if (cfg_.okada) {
        w.layers[uplift.name] = std::move(uplift);
    }
    spdlog::debug("earthquake: Mw {} (capped to {} in the GMPE), focal depth {:.1f} km, {} "
                  "segments",
                  cfg_.mw, mw, depth_km_, cfg_.faults.size());
}

void EarthquakeModel::report(Report& r) const {
    World const& w = *world_;
    std::size_t const nz = w.zones.size();
    std::vector<std::int64_t> pop6l(nz, 0);
    std::int64_t p6l = 0, p6u = 0, p7 = 0;
    double imax = 0.0, vmax = 0.0, up = 0.0, down = 0.0, area6l = 0.0;
    auto it = w.layers.find(std::string(layer::kJmaIntensity));
    auto iv = w.layers.find(std::string(layer::kPgv));
    auto iu = w.layers.find(std::string(layer::kOkadaUplift));
    double const cell_km2 = w.grid.cell_area_m2() / 1.0e6;
    if (it != w.layers.end()) {
        for (CellId c = 0; c < w.grid.cells(); ++c) {
            if (w.zone[c] < 0) {
                continue; // land only
            }
            double const in = it->second[c];
            auto const p = static_cast<std::int64_t>(w.population[c]);
            imax = std::max(imax, in);
            if (in >= 5.5) {
                p6l += p;
                pop6l[static_cast<std::size_t>(w.zone[c])] += p;
                area6l += cell_km2;
            }
            p6u += in >= 6.0 ? p : 0;
            p7 += in >= 6.5 ? p : 0;
            if (iv != w.layers.end()) {
                vmax = std::max(vmax, static_cast<double>(iv->second[c]));
            }
            if (iu != w.layers.end()) {
                up = std::max(up, static_cast<double>(iu->second[c]));
                down = std::min(down, static_cast<double>(iu->second[c]));
            }
        }
    }
    r.value("earthquake_mw", cfg_.mw, "Mw", "moment magnitude of the rupture (0: no earthquake)");
    r.value("jma_intensity_max", imax, "JMA", "highest JMA instrumental intensity on land");
    r.value("pgv_max_cm_s", vmax, "cm/s", "highest peak ground velocity on land (at the surface)");
    r.value("area_intensity_6lower_km2", area6l, "km2",
            "land area shaken at JMA intensity 6-lower or more (I ≥ 5.5)");
    r.count("population_intensity_6lower", p6l,
            "residents where the JMA intensity is 6-lower or more (I ≥ 5.5)");
    r.count("population_intensity_6upper", p6u,
            "residents where the JMA intensity is 6-upper or more (I ≥ 6.0)");
    r.count("population_intensity_7", p7, "residents where the JMA intensity is 7 (I ≥ 6.5)");
    r.value("coseismic_uplift_max_m", up, "m", "largest coseismic uplift on land (Okada 1985)");
    r.value("coseismic_subsidence_max_m", down < 0.0 ? -down : 0.0, "m",
            "largest coseismic subsidence on land (Okada 1985)");
    r.count_by_zone("population_intensity_6lower", std::move(pop6l),
                    "residents where the JMA intensity is 6-lower or more");
}

} // namespace tsunagi::hazard
