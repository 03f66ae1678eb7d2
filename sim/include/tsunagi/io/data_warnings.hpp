#pragma once
// Counted warnings about input data. Real data has defects (missing coordinates, duplicated ids,
// withheld census values, ...); the loaders never drop or patch anything silently: every
// problem that does not stop the run is recorded here with the file, what is wrong, how many
// records it affects and a few examples, logged once, and shown by `tsunagi validate`.

#include <cstddef>
#include <string>
#include <vector>

namespace tsunagi {

struct DataWarning {
    std::string file;      // the data file (as shown to the user)
    std::string problem;   // what is wrong and what the loader did about it
    std::size_t count = 0; // records affected
    std::string examples;  // a few ids/names, for finding them in the file
};

class DataWarnings {
public:
    // Records a warning (count > 0 only) and logs it.
    void add(std::string file, std::string problem, std::size_t count, std::string examples = {});
    std::vector<DataWarning> const& all() const noexcept { return items_; }
    std::size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    // The warning whose problem text contains `needle`, or nullptr (for tests and reports).
    DataWarning const* find(std::string const& needle) const noexcept;

private:
    std::vector<DataWarning> items_;
};

// Up to `limit` examples joined with ", " and "…" when there are more.
std::string join_examples(std::vector<std::string> const& items, std::size_t limit = 5);

} // namespace tsunagi
