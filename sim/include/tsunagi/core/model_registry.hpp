#pragma once
// Which models a run uses. Model libraries register factories here (see models/all_models.hpp);
// the driver (CLI, Python) creates one of each, in registration order, which is also the order
// their tasks run in within a phase.

#include <tsunagi/core/model.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tsunagi {

class ModelRegistry {
public:
    using Factory = std::function<std::unique_ptr<Model>()>;
    // section: the model's scenario key path, e.g. "hazard.tsunami".
    void add(std::string section, Factory factory);
    struct Entry {
        std::string section;
        Factory factory;
    };
    std::vector<Entry> const& entries() const noexcept { return entries_; }

private:
    std::vector<Entry> entries_;
};

} // namespace tsunagi
