#pragma once
// Registers every model layer Tsunagi ships with, in the order their tasks run within a phase.

#include <tsunagi/core/model_registry.hpp>

namespace tsunagi {

void register_all_models(ModelRegistry& registry);
ModelRegistry default_model_registry();

} // namespace tsunagi
