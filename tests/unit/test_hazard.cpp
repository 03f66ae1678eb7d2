// Hazard layer: Okada (1985) against its published check list, the ground-motion equations
// against hand-computed cases, the earthquake model on the synthetic coast, the tsunami curves.

#include <tsunagi/core/error.hpp>
#include <tsunagi/core/simulation.hpp>
#include <tsunagi/hazard/earthquake_model.hpp>
#include <tsunagi/hazard/gmpe.hpp>
#include <tsunagi/hazard/okada.hpp>
#include <tsunagi/hazard/tsunami_model.hpp>
#include <tsunagi/models/all_models.hpp>
#include <tsunagi/world/layer_names.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace tsunagi;
using namespace tsunagi::hazard;
using ::testing::HasSubstr;

namespace {
// Equal to 4 significant figures: |x − ref| within half a unit of the 4th figure of ref.
::testing::AssertionResult four_figures(double x, double ref) {
    double const unit = std::pow(10.0, std::floor(std::log10(std::abs(ref))) - 3.0);
    if (std::abs(x - ref) <= 0.5 * unit) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << x << " differs from " << ref << " in 4 figures";
}
} // namespace

// Okada (1985) Table 2, case 2: x = 2, y = 3, d = 4, δ = 70°, L = 3, W = 2, unit dislocation,
// ν = 0.25 (λ = μ); values as in ../shared/REFERENCE.md.
TEST(Okada, ReproducesTheCheckListOfTable2) {
    struct Case {
        double u1, u2, u3, ux, uy, uz;
    };
    for (Case const& c : {Case{1, 0, 0, -8.689e-3, -4.298e-3, -2.747e-3},
                          Case{0, 1, 0, -4.682e-3, -3.527e-2, -3.564e-2},
                          Case{0, 0, 1, -2.660e-4, 1.056e-2, 3.214e-3}}) {
        Displacement const d = okada85(2, 3, 4, 70, 3, 2, c.u1, c.u2, c.u3, 0.25);
        EXPECT_TRUE(four_figures(d.ux, c.ux)) << c.u1 << c.u2 << c.u3;
        EXPECT_TRUE(four_figures(d.uy, c.uy)) << c.u1 << c.u2 << c.u3;
        EXPECT_TRUE(four_figures(d.uz, c.uz)) << c.u1 << c.u2 << c.u3;
    }
    // Case 3: δ = 90°, x = y = 0 (on the fault's upward extension: the singular branches).
    Displacement const s = okada85(0, 0, 4, 90, 3, 2, 1, 0, 0);
    EXPECT_TRUE(four_figures(s.uy, 5.253e-3));
    Displacement const t = okada85(0, 0, 4, 90, 3, 2, 0, 0, 1);
    EXPECT_TRUE(four_figures(t.ux, 1.223e-2));
    EXPECT_TRUE(four_figures(t.uz, -1.606e-2));
}

TEST(Okada, GeographicFaultsMapOntoOkadasFrame) {
    // Strike 90° (east): Okada's x is east, y north; its origin (the lower edge's start) lies
    // W·cos δ south of the upper edge's start. Place that origin at (0, 0) and ask for the point
    // (2 km, 3 km): the check values of Table 2 for dip slip (rake 90°), in metres per metre.
    FaultPlane f;
    f.strike_deg = 90.0;
    f.dip_deg = 70.0;
    f.length_km = 3.0;
    f.width_km = 2.0;
    f.top_depth_km = 4.0 - 2.0 * std::sin(70.0 * M_PI / 180.0);
    f.x0_m = 0.0;
    f.y0_m = 2000.0 * std::cos(70.0 * M_PI / 180.0);
    Displacement const d = okada_displacement(f, 1.0, 90.0, 0.0, 2000.0, 3000.0, 0.25);
    EXPECT_TRUE(four_figures(d.ux, -4.682e-3)); // east = along strike
    EXPECT_TRUE(four_figures(d.uy, -3.527e-2)); // north = Okada's y
    EXPECT_TRUE(four_figures(d.uz, -3.564e-2));
    // A thrust lifts the ground above its upper part (the hanging wall): south of the upper edge
    // for a fault dipping north.
    FaultPlane m;
    m.strike_deg = 270.0; // westwards, dipping north
    m.dip_deg = 15.0;
    m.length_km = 100.0;
    m.width_km = 50.0;
    m.top_depth_km = 5.0;
    m.x0_m = 50000.0;
    EXPECT_GT(okada_displacement(m, 10.0, 90.0, 0.0, 0.0, 10000.0).uz, 0.5);
}

// Si & Midorikawa (1999) by hand: Mw 7.0, D = 10 km, X = 20 km, crustal:
// 0.58·7 + 0.0038·10 + 0 − 1.29 − log10(20 + 0.0028·10^3.5) − 0.002·20
// = 4.06 + 0.038 − 1.29 − log10(28.8544) − 0.04 = 1.30779 → 20.31 cm/s.
TEST(Gmpe, SiMidorikawaMatchesHandComputedCases) {
    EXPECT_NEAR(si_midorikawa_log10_pgv(7.0, 10.0, 20.0, FaultType::Crustal), 1.307788, 1e-6);
    // Mw 8.3, D = 30, X = 50, interface (−0.02): 4.814 + 0.114 − 0.02 − 1.29 −
    // log10(50 + 0.0028·10^4.15) − 0.1 = 1.565929 → 36.81 cm/s.
    EXPECT_NEAR(si_midorikawa_log10_pgv(8.3, 30.0, 50.0, FaultType::Interface), 1.565929, 1e-6);
    // Mw 6.5, D = 60, X = 100, intraslab (+0.12): 0.606897 → 4.045 cm/s.
    EXPECT_NEAR(si_midorikawa_log10_pgv(6.5, 60.0, 100.0, FaultType::Intraslab), 0.606897, 1e-6);
    EXPECT_NEAR(std::pow(10.0, si_midorikawa_log10_pgv(7.0, 10.0, 20.0, FaultType::Crustal)),
                20.31, 0.01);
    // Site and intensity.
    EXPECT_NEAR(pgv_amplification(400.0), 1.3068, 1e-4); // (600/400)^0.66
    EXPECT_DOUBLE_EQ(pgv_amplification(600.0), 1.0);
    EXPECT_NEAR(jma_intensity_from_pgv(100.0), 6.12, 1e-12); // 2.68 + 1.72·2
    EXPECT_NEAR(pgv_from_jma_intensity(jma_intensity_from_pgv(37.0)), 37.0, 1e-9);
    EXPECT_EQ(jma_intensity_from_pgv(0.0), 0.0);
}

TEST(Gmpe, FaultDistanceIsToTheNearestPointOfTheRectangle) {
    FaultPlane f; // vertical, along north from the origin, 10 km long, from 2 to 12 km deep
    f.strike_deg = 0.0;
    f.dip_deg = 90.0;
    f.length_km = 10.0;
    f.width_km = 10.0;
    f.top_depth_km = 2.0;
    EXPECT_NEAR(f.distance_km(3000.0, 5000.0), std::sqrt(9.0 + 4.0), 1e-9); // beside it
    EXPECT_NEAR(f.distance_km(0.0, 13000.0), std::sqrt(9.0 + 4.0), 1e-9);   // beyond its end
    EXPECT_NEAR(f.distance_km(0.0, 5000.0), 2.0, 1e-9);                      // above its top
    FaultPlane d = f; // dipping 30° east: above its down-dip edge the distance is to that edge
    d.dip_deg = 30.0;
    double const x = 10.0 * std::cos(30.0 * M_PI / 180.0); // the edge's horizontal offset
    double const depth = 2.0 + 10.0 * 0.5;
    // (Closer in, the perpendicular from the surface point still meets the dipping plane.)
    EXPECT_NEAR(d.distance_km((x + 20.0) * 1000.0, 5000.0), std::hypot(20.0, depth), 1e-9);
    EXPECT_NEAR(d.bottom_depth_km(), 7.0, 1e-12);
    EXPECT_NEAR(d.centre_depth_km(), 4.5, 1e-12);
}

namespace {
Scenario quake(std::string const& extra = "") {
    Scenario s = Scenario::from_string(
        "scenario: {name: quake, seed: 3, tick_s: 1, duration_s: 1}\n"
        "world: {synthetic: {seed: 5, population: 3000}}\n"
        "hazard:\n"
        "  earthquake:\n"
        "    mw: 9.0\n"
        "    faults:\n"
        "      - {x_km: 60, y_km: -60, strike_deg: 270, dip_deg: 12, length_km: 120,\n"
        "         width_km: 120, top_depth_km: 5}\n" +
            extra,
        "quake.yaml");
    return s;
}

std::vector<float> layer_of(Simulation const& sim, std::string_view name) {
    return sim.world().layers.at(std::string(name)).data;
}
} // namespace

TEST(EarthquakeModel, WritesIntensityLayersAndCapsTheMagnitude) {
    RunOptions o;
    o.threads = 2;
    Simulation a(quake(), o, default_model_registry());
    auto const pgv = layer_of(a, layer::kPgv);
    auto const in = layer_of(a, layer::kJmaIntensity);
    auto const dist = layer_of(a, layer::kFaultDistance);
    auto const vs30 = layer_of(a, layer::kVs30);
    // Every cell: PGV = 10^(S&M at the capped Mw 8.3) × (600/Vs30)^0.66, I from PGV.
    auto const* m = dynamic_cast<EarthquakeModel const*>(a.engine().models()[1].get());
    ASSERT_NE(m, nullptr);
    for (std::size_t c = 0; c < pgv.size(); c += 97) {
        double const expect =
            std::pow(10.0, si_midorikawa_log10_pgv(8.3, m->focal_depth_km(), dist[c],
                                                   FaultType::Interface)) *
            pgv_amplification(vs30[c]);
        EXPECT_NEAR(pgv[c], expect, 1e-4 * expect) << c;
        EXPECT_NEAR(in[c], jma_intensity_from_pgv(pgv[c]), 1e-5);
    }
    // M9 and M8.3 shake alike (the cap); the moment (slip, deformation) differs.
    Scenario b_s = quake();
    b_s.set("hazard.earthquake.mw=8.3");
    Simulation b(std::move(b_s), o, default_model_registry());
    EXPECT_EQ(layer_of(b, layer::kPgv), pgv);
    EXPECT_NE(layer_of(b, layer::kOkadaUplift), layer_of(a, layer::kOkadaUplift));
    // Slip from the moment: M0 = 10^(1.5·9 + 9.1) = μ · A · D with μ = 4e10, A = 120 km × 120 km.
    EXPECT_NEAR(m->slip_m(0), std::pow(10.0, 22.6) / (4.0e10 * 1.44e10), 1e-9);
    a.run();
    RunOutput const out = a.output();
    EXPECT_GT(std::get<double>(out.find_kpi("jma_intensity_max")->value), 5.0);
}

TEST(EarthquakeModel, VariabilityIsDrawnPerCellAndIsTheSameOnAnyThreadCount) {
    auto run = [](int threads, double sigma) {
        Scenario s = quake("    variability: {sigma_within_log10: " + std::to_string(sigma) +
                           ", sigma_between_log10: 0}\n");
        RunOptions o;
        o.threads = threads;
        Simulation sim(std::move(s), o, default_model_registry());
        return std::pair{layer_of(sim, layer::kPgv), layer_of(sim, layer::kFaultDistance)};
    };
    auto const [median, dist] = run(1, 0.0);
    auto const [one, d1] = run(1, 0.2);
    auto const [two, d2] = run(2, 0.2);
    EXPECT_EQ(one, two);
    // The log10 residuals have the standard deviation asked for.
    double sum = 0.0, sum2 = 0.0;
    for (std::size_t c = 0; c < one.size(); ++c) {
        double const r = std::log10(one[c] / median[c]);
        sum += r;
        sum2 += r * r;
    }
    double const n = static_cast<double>(one.size());
    EXPECT_NEAR(sum / n, 0.0, 0.01);
    EXPECT_NEAR(std::sqrt(sum2 / n - (sum / n) * (sum / n)), 0.2, 0.01);
}

TEST(EarthquakeModel, BadFaultsAreRejectedWithTheirKey) {
    auto message = [](Scenario s) {
        try {
            Simulation sim(std::move(s), RunOptions{}, default_model_registry());
        } catch (ScenarioError const& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    Scenario no_mw = Scenario::from_string(
        "hazard: {earthquake: {faults: [{x_km: 0, y_km: 0, strike_deg: 0, dip_deg: 10, "
        "length_km: 10, width_km: 10}]}}\n",
        "no_mw.yaml");
    EXPECT_THAT(message(no_mw), HasSubstr("[hazard.earthquake.mw]: is required when faults are "
                                          "given"));
    Scenario dip = quake();
    dip.set("hazard.earthquake.faults=[{x_km: 0, y_km: 0, strike_deg: 0, dip_deg: 0, length_km: "
            "10, width_km: 10}]");
    EXPECT_THAT(message(dip), HasSubstr("[hazard.earthquake.faults[0].dip_deg]: expected a "
                                        "number in (0, 90]"));
    Scenario where = quake();
    where.set("hazard.earthquake.faults=[{x_km: 0, lat: 33, strike_deg: 0, dip_deg: 10, "
              "length_km: 10, width_km: 10}]");
    EXPECT_THAT(message(where), HasSubstr("[hazard.earthquake.faults[0]]: needs the start of its "
                                          "upper edge"));
    Scenario no_faults = quake();
    no_faults.set("hazard.earthquake.faults=[]");
    EXPECT_THAT(message(no_faults), HasSubstr("[hazard.earthquake.faults]: mw is 9 but no fault"));
    Scenario width = quake();
    width.set("hazard.earthquake.faults=[{x_km: 0, y_km: 0, strike_deg: 0, dip_deg: 10, "
              "length_km: 10}]");
    EXPECT_THAT(message(width), HasSubstr("[hazard.earthquake.faults[0].width_km]: is required"));
    Scenario type = quake();
    type.set("hazard.earthquake.fault_type=subduction");
    EXPECT_THAT(message(type), HasSubstr("[hazard.earthquake.fault_type]"));
}

TEST(EarthquakeModel, FaultsCanBePlacedInDegrees) {
    // The synthetic origin is (133, 33.2): a fault given there in degrees starts at the grid's
    // south-west corner, give or take the origin's rounding to whole metres.
    Scenario a = quake();
    a.set("hazard.earthquake.faults=[{lon: 133.0, lat: 33.2, strike_deg: 90, dip_deg: 45, "
          "length_km: 20, width_km: 10}]");
    Scenario b = quake();
    b.set("hazard.earthquake.faults=[{x_km: 0, y_km: 0, strike_deg: 90, dip_deg: 45, "
          "length_km: 20, width_km: 10}]");
    RunOptions o;
    Simulation sa(std::move(a), o, default_model_registry());
    Simulation sb(std::move(b), o, default_model_registry());
    auto const da = layer_of(sa, layer::kFaultDistance);
    auto const db = layer_of(sb, layer::kFaultDistance);
    for (std::size_t c = 0; c < da.size(); c += 101) {
        EXPECT_NEAR(da[c], db[c], 0.002) << c;
    }
}

TEST(TsunamiCurve, CosineRiseHoldAndRecession) {
    TsunamiCurve c;
    c.shape = RiseShape::Cosine;
    c.rise_time_s = 600.0;
    c.hold_s = 1000.0;
    c.recession_time_s = 3600.0;
    EXPECT_FLOAT_EQ(tsunami_depth(4.0f, 100.0f, 100.0, c), 0.0f);
    EXPECT_NEAR(tsunami_depth(4.0f, 100.0f, 400.0, c), 2.0f, 1e-6); // half way: (1 − cos π/2)/2
    EXPECT_NEAR(tsunami_depth(4.0f, 100.0f, 250.0, c), 4.0 * (1 - std::cos(M_PI * 0.25)) / 2, 1e-6);
    EXPECT_FLOAT_EQ(tsunami_depth(4.0f, 100.0f, 1700.0, c), 4.0f); // held
    EXPECT_NEAR(tsunami_depth(4.0f, 100.0f, 1700.0 + 3600.0, c), 4.0 * std::exp(-1.0), 1e-6);
    // The original curve (linear, held) is unchanged.
    EXPECT_FLOAT_EQ(tsunami_depth(4.0f, 100.0f, 400.0, 600.0), 2.0f);
    EXPECT_FLOAT_EQ(tsunami_depth(4.0f, 100.0f, 1e7, 600.0), 4.0f);
}

TEST(TsunamiModel, TheWaterRecedesWhenAskedTo) {
    Scenario s = Scenario::from_string(
        "scenario: {name: t, seed: 3, tick_s: 10, duration_s: 30000}\n"
        "world: {synthetic: {seed: 5, population: 3000}}\n"
        "hazard: {tsunami: {hold_s: 600, recession_time_s: 1800, period_s: 10}}\n",
        "t.yaml");
    Simulation sim(std::move(s), RunOptions{}, default_model_registry());
    sim.run();
    // After 30,000 s the deepest water (≲ 15 m) has fallen by e^-14 and is gone.
    float deepest = 0.0f;
    for (float d : sim.world().tsunami_depth_m.data) {
        deepest = std::max(deepest, d);
    }
    EXPECT_LT(deepest, 0.01f);
}
