#pragma once
// Damage functions: buildings by shaking and by tsunami, casualties of collapse, road blocking.
//
// Sources (full description in docs/models/damage.md):
//  - Shaking collapse (全壊) of buildings by structure and era as normal CDFs in JMA intensity,
//    P = Φ((I − μ)/σ), fitted through the points of ../shared/REFERENCE.md "Earthquake" (⚠ read off
//    charts): Cabinet Office (内閣府 2012, 南海トラフ巨大地震の被害想定 建物被害 — collapse rate at
//    I = 6.5: 0.8 wood ≤1961, 0.6 wood 1962–81, 0.15 wood ≥1982) and the MEXT Tokyo study
//    (文部科学省 首都直下地震防災・減災特別プロジェクト, as quoted by the CO/press: wood ≤1961
//    18 % / >80 %, wood ≥1982 >1 % / ≥15 %, non-wood ≤1971 2.9 % / 19 %, non-wood ≥1982
//    0.6 % / 4.6 % at intensity 6-upper / 7, read at I = 6.0 / 6.5, the lower bounds of the
//    classes — which makes the two sources agree at I = 6.5).
//  - Tsunami damage states DS1..DS6 (minor, moderate, major, complete, collapsed, washed away):
//    Suppasri et al. (2013) "Building damage characteristics based on surveyed data and fragility
//    curves of the 2011 Great East Japan tsunami", Nat. Hazards 66, 319–341, all storeys,
//    lognormal in depth: P(≥ DSk | d) = Φ((ln d − μk)/σk) (parameters ⚠ second-hand, REFERENCE.md).
//  - Collapse deaths: TMG (東京都 2022, 首都直下地震等による東京の被害想定 報告書, p. 6-30, the CO
//    method): deaths = 0.0676 × collapsed wooden buildings × occupancy ratio + 0.00840 ×
//    collapsed non-wooden × occupancy ratio; occupancy ratio = people indoors now ÷ at 5 a.m.
//  - Trapped (自力脱出困難者): TMG 2022 p. 6-41: indoor population × 0.117 × shaking collapse rate.
//  - Indoor share at the event: 1.0 at 5 a.m., 0.95 at noon (千葉県 2014/15 method after 和歌山県
//    2006: indoor = 0.95 × daytime population); evening 0.90 ⚠ (assumed).
//  - Liquefaction damage to buildings: the structure of the Cabinet Office method (中央防災会議
//    2012/13, reused by TMG 2022 §6.3.2: buildings × liquefied area share × damage rate by
//    ground settlement, by structure), evaluated before the shaking, which then acts on the
//    buildings left. Numbers from HAZUS (FEMA, HAZUS-MH MR5 Technical Manual, ground failure and
//    building damage due to ground failure): liquefied area share P_ml and settlement by
//    susceptibility class (very high 0.25 / 12 in, high 0.20 / 6 in, low 0.05 / 1 in; HAZUS values
//    as implemented by the OpenQuake engine, openquake/sep/liquefaction); damage given settlement
//    PGD, P(≥ extensive) = Φ(ln(PGD / θ) / β), shallow foundations θ = 10 in, β = 1.256, deep
//    foundations θ = 486 in, β = 2.362, of which 0.2 complete and 0.8 extensive (Hazus 5.1 building
//    damage database as published in SimCenter's pelicun, damage_DB_Hazus_EQ_bldg.csv GF.V.S /
//    GF.V.D). The crosswalk from the PL index classes of Iwasaki et al. (1982; PL > 15 very high,
//    5–15 high, 0–5 low) to HAZUS's susceptibility classes is ours (⚠), as is counting HAZUS
//    "complete" as total collapse (全壊) and putting non-wooden buildings on deep foundations.
//  - Road blocking by collapsed buildings (幅員 13 m 未満): TMG 2022 p. 6-51 after 家田ら (1997)
//    土木学会論文集 576/IV-37: blocked share (%) = 0.9009 B + 19.845 (width < 3.5 m),
//    0.3514 B + 13.189 (3.5–5.5 m), 0.2229 B − 1.5026 (5.5–13 m), B = building damage rate (%).

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace tsunagi::damage {

inline double normal_cdf(double z) noexcept { return 0.5 * std::erfc(-z / 1.4142135623730951); }

// A probability as a normal CDF of x: Φ((x − μ)/σ).
struct NormalCurve {
    double mu = 0.0;
    double sigma = 1.0;
    double operator()(double x) const noexcept { return normal_cdf((x - mu) / sigma); }
};

// A probability as a lognormal CDF of x > 0: Φ((ln x − μ)/σ); 0 for x ≤ 0.
struct LognormalCurve {
    double mu = 0.0;
    double sigma = 1.0;
    double operator()(double x) const noexcept {
        return x > 0.0 ? normal_cdf((std::log(x) - mu) / sigma) : 0.0;
    }
};

enum BuildingClass : std::uint8_t {
    kWoodPre1962 = 0,
    kWood1962to1981 = 1,
    kWood1982on = 2,
    kNonWoodPre1982 = 3,
    kNonWood1982on = 4,
};
inline constexpr std::size_t kBuildingClasses = 5;
inline constexpr bool is_wood(std::size_t k) noexcept { return k <= kWood1982on; }
inline constexpr std::array<std::string_view, kBuildingClasses> kBuildingClassNames{
    "wood_pre1962", "wood_1962_1981", "wood_1982_on", "nonwood_pre1982", "nonwood_1982_on"};

// Collapse (全壊) by shaking, in JMA intensity. Fits through the points in the header; the
// 1962–81 wooden curve has one point (0.6 at 6.5) and the mean σ of its neighbours ⚠.
inline constexpr std::array<NormalCurve, kBuildingClasses> kCollapseCurves{{
    {6.2605, 0.2846}, // wood ≤ 1961: (6.0, 0.18), (6.5, 0.80)
    {6.4149, 0.3361}, // wood 1962–1981: (6.5, 0.60), σ = mean of its neighbours
    {6.9017, 0.3876}, // wood ≥ 1982: (6.0, 0.01), (6.5, 0.15)
    {6.9313, 0.4913}, // non-wood ≤ 1981 (MEXT ≤ 1971 figures): (6.0, 0.029), (6.5, 0.19)
    {7.5185, 0.6044}, // non-wood ≥ 1982: (6.0, 0.006), (6.5, 0.046)
}};

// Suppasri et al. (2013), all storeys: (μ, σ) of ln(depth m) for DS1..DS6.
inline constexpr std::array<LognormalCurve, 6> kSuppasriTimber{{{-2.1216, 1.2261},
                                                                 {-0.9338, 0.9144},
                                                                 {-0.0400, 0.7276},
                                                                 {0.6721, 0.4985},
                                                                 {0.7825, 0.5559},
                                                                 {1.2094, 0.5247}}};
inline constexpr std::array<LognormalCurve, 6> kSuppasriRC{{{-1.9636, 1.0966},
                                                             {-0.9723, 1.0600},
                                                             {0.1577, 0.7090},
                                                             {0.9423, 0.7522},
                                                             {1.9381, 1.0120},
                                                             {2.8232, 0.9635}}};

// P(damage state ≥ ds | depth), ds in 1..6; wooden buildings use the timber curves, the others
// the reinforced-concrete ones.
inline double tsunami_exceedance(bool wood, int ds, double depth_m) noexcept {
    if (ds < 1 || ds > 6) {
        return 0.0;
    }
    auto const& c = wood ? kSuppasriTimber : kSuppasriRC;
    return c[static_cast<std::size_t>(ds - 1)](depth_m);
}

// Share of road links blocked (0..1) by collapsed buildings (Ieda et al. 1997 via TMG 2022) for a
// road of width w (m) where B percent of the buildings along it are damaged. The regressions were
// fitted in damaged districts; below B = ramp_percent they are scaled linearly to 0 at B = 0
// (their intercepts would otherwise block up to 20 % of undamaged streets) ⚠.
inline double road_blocked_share(double width_m, double damage_percent,
                                 double ramp_percent) noexcept {
    auto f = [width_m](double b) {
        if (width_m < 3.5) {
            return 0.9009 * b + 19.845;
        }
        if (width_m < 5.5) {
            return 0.3514 * b + 13.189;
        }
        if (width_m < 13.0) {
            return 0.2229 * b - 1.5026;
        }
        return 0.0;
    };
    if (!(damage_percent > 0.0)) {
        return 0.0;
    }
    double pct = damage_percent >= ramp_percent || ramp_percent <= 0.0
                     ? f(damage_percent)
                     : f(ramp_percent) * damage_percent / ramp_percent;
    pct = pct < 0.0 ? 0.0 : (pct > 100.0 ? 100.0 : pct);
    return pct / 100.0;
}

} // namespace tsunagi::damage
