#pragma once
// Liquefaction classes of the PL index (Iwasaki et al. 1982), the one definition the models
// share: building damage (models/damage) and water-pipe damage (models/lifelines) read the
// world's `liquefaction_pl` layer through it.
//   0 none (PL = 0, or no value), 1 low (0 < PL ≤ 5), 2 high (5 < PL < 15), 3 very high (PL ≥ 15)

namespace tsunagi {

inline int liquefaction_class(double pl) noexcept {
    return pl >= 15.0 ? 3 : pl > 5.0 ? 2 : pl > 0.0 ? 1 : 0;
}

} // namespace tsunagi
