#pragma once
// Typed, validated access to a scenario's YAML. Every component reads its own section through a
// ConfigNode once, into a typed struct. A key that is absent takes its default, and the default is
// written back so the resolved scenario stored in the output is complete. Every key asked for is
// remembered; afterwards Scenario::check_unknown() rejects any key nobody asked for, with its path
// and a did-you-mean. Errors name the file and line (or the --set override), the key path, what is
// wrong and how to fix it.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace tsunagi {

// Accepted range of a number.
struct Bounds {
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool min_exclusive = false;
    bool max_exclusive = false;

    static Bounds any() { return {}; }
    static Bounds positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
    static Bounds non_negative() { return {0.0, std::numeric_limits<double>::infinity()}; }
    static Bounds at_least(double v) { return {v, std::numeric_limits<double>::infinity()}; }
    static Bounds between(double lo, double hi) { return {lo, hi}; }
    static Bounds fraction() { return {0.0, 1.0}; }
    bool contains(double v) const noexcept;
    std::string describe() const; // "a number > 0", "a number in [0, 1]"
};

namespace detail {
struct ConfigState;
}

class ConfigNode {
public:
    // Full dotted key path of this node ("" for the root).
    std::string const& path() const noexcept { return path_; }
    std::string key_path(std::string_view key) const;

    bool has(std::string_view key) const;

    // A nested mapping; an absent key gives an empty mapping (and records it).
    ConfigNode child(std::string_view key) const;
    // A sequence of mappings (e.g. a list of fault segments); absent gives an empty list.
    std::vector<ConfigNode> children(std::string_view key) const;

    double number(std::string_view key, double def, Bounds b = {}) const;
    std::optional<double> optional_number(std::string_view key, Bounds b = {}) const;
    double required_number(std::string_view key, Bounds b = {}) const;
    std::int64_t integer(std::string_view key, std::int64_t def, Bounds b = {}) const;
    std::optional<std::int64_t> optional_integer(std::string_view key, Bounds b = {}) const;
    bool boolean(std::string_view key, bool def) const;
    std::string string(std::string_view key, std::string def) const;
    std::optional<std::string> optional_string(std::string_view key) const;
    std::string required_string(std::string_view key) const;
    // One of a fixed set of words; the error lists them.
    std::string choice(std::string_view key, std::vector<std::string> const& options,
                       std::string def) const;
    std::vector<double> numbers(std::string_view key, std::vector<double> def, Bounds b = {}) const;

    // A free-form mapping of overrides, e.g. {evacuation.awareness: high, world: {synthetic:
    // {population: 5e4}}}, flattened to (dotted key path, YAML text of the value) in file order.
    // The whole mapping counts as known; the key paths are checked where they are applied.
    std::vector<std::pair<std::string, std::string>> assignments(std::string_view key) const;

    // Whether the value at key is a mapping / a plain scalar (without consuming it).
    bool is_map(std::string_view key) const;
    bool is_scalar(std::string_view key) const;

    // Throws ScenarioError located at `key` (its line in the file, or its --set override).
    [[noreturn]] void fail(std::string_view key, std::string const& problem,
                           std::string const& fix) const;

    // Where this node comes from ("scenarios/demo.yaml:12" or "--set a.b=c").
    std::string location(std::string_view key = {}) const;

private:
    friend class Scenario;
    ConfigNode(std::shared_ptr<detail::ConfigState> state, std::string path,
               std::shared_ptr<YAML::Node> node);
    YAML::Node value(std::string_view key) const; // marks key as known
    void set_default(std::string_view key, YAML::Node const& v) const;

    std::shared_ptr<detail::ConfigState> state_;
    std::string path_;
    std::shared_ptr<YAML::Node> node_; // a mapping
};

// Closest candidate by edit distance, if close enough to be a plausible typo.
std::optional<std::string> did_you_mean(std::string_view word,
                                        std::vector<std::string> const& candidates);

} // namespace tsunagi
