#include <tsunagi/damage/damage_model.hpp>
#include <tsunagi/evacuation/evacuation_model.hpp>
#include <tsunagi/hazard/earthquake_model.hpp>
#include <tsunagi/hazard/tsunami_model.hpp>
#include <tsunagi/lifelines/lifelines_model.hpp>
#include <tsunagi/logistics/logistics_model.hpp>
#include <tsunagi/models/all_models.hpp>
#include <tsunagi/shelters/shelters_model.hpp>

namespace tsunagi {

void register_all_models(ModelRegistry& registry) {
    // Hazard first: it writes the depth field that evacuation reads in the same tick.
    registry.add("hazard.tsunami", [] { return std::make_unique<hazard::TsunamiModel>(); });
    // The shaking at t = 0, then the damage it and the water do: damage publishes the casualty
    // probabilities before the residents spawn, and closes flooded roads (Decide) after the depth
    // update and before anyone moves (Move).
    registry.add("hazard.earthquake", [] { return std::make_unique<hazard::EarthquakeModel>(); });
    registry.add("damage", [] { return std::make_unique<damage::DamageModel>(); });
    registry.add("evacuation", [] { return std::make_unique<evacuation::EvacuationModel>(); });
    registry.add("lifelines", [] { return std::make_unique<lifelines::LifelinesModel>(); });
    // Shelters read the evacuees, the damage and the lifelines of this tick and post demand;
    // logistics serves it in the same tick (both Decide, in this order).
    registry.add("shelters", [] { return std::make_unique<shelters::SheltersModel>(); });
    registry.add("logistics", [] { return std::make_unique<logistics::LogisticsModel>(); });
}

ModelRegistry default_model_registry() {
    ModelRegistry r;
    register_all_models(r);
    return r;
}

} // namespace tsunagi
