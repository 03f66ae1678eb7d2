#include <tsunagi/core/error.hpp>
#include <tsunagi/core/model_registry.hpp>

namespace tsunagi {

void ModelRegistry::add(std::string section, Factory factory) {
    for (auto const& e : entries_) {
        if (e.section == section) {
            throw ModelError("model section '" + section + "' registered twice");
        }
    }
    entries_.push_back(Entry{std::move(section), std::move(factory)});
}

} // namespace tsunagi
