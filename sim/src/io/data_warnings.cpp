#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <tsunagi/io/data_warnings.hpp>

namespace tsunagi {

void DataWarnings::add(std::string file, std::string problem, std::size_t count,
                       std::string examples) {
    if (count == 0) {
        return;
    }
    // One line per warning: data values may hold line breaks (e.g. "19130\n（0.5㎡あたり1人）").
    for (auto* s : {&problem, &examples}) {
        for (char& c : *s) {
            if (c == '\n' || c == '\r' || c == '\t') {
                c = ' ';
            }
        }
    }
    spdlog::warn("{}: {} ({} record{}){}", file, problem, count, count == 1 ? "" : "s",
                 examples.empty() ? "" : ": " + examples);
    items_.push_back(DataWarning{std::move(file), std::move(problem), count, std::move(examples)});
}

DataWarning const* DataWarnings::find(std::string const& needle) const noexcept {
    for (auto const& w : items_) {
        if (w.problem.find(needle) != std::string::npos) {
            return &w;
        }
    }
    return nullptr;
}

std::string join_examples(std::vector<std::string> const& items, std::size_t limit) {
    std::string s;
    for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
        s += (i ? ", " : "") + items[i];
    }
    if (items.size() > limit) {
        s += fmt::format(", … ({} more)", items.size() - limit);
    }
    return s;
}

} // namespace tsunagi
